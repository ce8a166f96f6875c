"""Language stages: the encoder, the topic and stance classifiers (heavy parts load lazily)."""

from monitor.nlp.classify import TopicClassifier, load_topic_classifier
from monitor.nlp.encoder import Encoder, load_encoder
from monitor.nlp.stance import StanceClassifier, load_stance_classifier

__all__ = [
    "Encoder",
    "StanceClassifier",
    "TopicClassifier",
    "load_encoder",
    "load_stance_classifier",
    "load_topic_classifier",
]
