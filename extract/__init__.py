"""litkg extraction stage: files and text in, typed records out.

Pure: never imports ``graph``, ``ui``, sqlite or streamlit.
"""
