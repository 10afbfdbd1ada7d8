"""`{% load case_messages %}{% case_messages case %}` on the child's file: what Oversight sent about the
case (and what it could not send, and why), newest first."""

from django import template

from oversight.messages.services import case_messages as messages_about

register = template.Library()


@register.inclusion_tag("web/messages/_case_messages.html")
def case_messages(case, limit: int = 20):
    found = list(messages_about(case.service, case.ref)[: limit + 1])
    return {"case_messages": found[:limit], "more": len(found) > limit}
