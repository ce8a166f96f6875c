"""Alerts leave the store through the outbox: rendered for Slack, posted once, marked sent."""

from monitor.notify.outbox import DeliveryReport, build_sender, deliver_pending
from monitor.notify.render import AlertView, Statement, render_alert

__all__ = ["AlertView", "DeliveryReport", "Statement", "build_sender", "deliver_pending",
           "render_alert"]
