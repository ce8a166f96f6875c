"""conflict-monitor: watches news feeds for war-crime allegations and the answers to them."""

from monitor.records import Alert, Article, Casualties, Claim, Story, Topic

__all__ = ["Alert", "Article", "Casualties", "Claim", "Story", "Topic", "__version__"]
__version__ = "0.1.0"
