"""Shown instead of the explorer when the database is missing, not litkg's, or empty."""

from ui import common

db = common.current_db()
common.how_to_build(db, common.db_problem(db) or f"{db}: no database")
