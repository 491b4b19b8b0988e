"""Documents for the tests of the mention records (shared by tests/test_records_*.py): a titled abstract with
abbreviations, variants, a result and a code link; an untitled one; a title alone; one with odd white space."""

DOCS = [
    ("SparKle: Sparse Masked Modeling for Convnets",
     "We revisit masked image modeling (MIM) for convolutional networks, e.g. ResNet-50. "
     "Our method called SparKle reaches 84.3% top-1 accuracy on ImageNet-1K and improves object detection on "
     "COCO. MIM with ResNet-50 and resnet-50 beats BERT. Code is at https://github.com/example/sparkle."),
    ("", "We use BERT and ResNet-50 on ImageNet. BERT reaches 90% accuracy on SQuAD. Convnets (CNNs) and CNN."),
    ("BERT and GPT-2 on SQuAD 2.0", ""),
    ("ResNet for ImageNet", "   ResNet-50 on ImageNet-1K.  \n\nWe use  BERT  on COCO;  CNNs  and CNN. "),
]
