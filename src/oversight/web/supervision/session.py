"""Recording a formal one-to-one for a whole caseload, on one page.

The page is Django formsets: the session (date, time, length, and the agenda of cases discussed in
depth), one form per open case (the record for the child's file, significant or urgent) each with
a formset of new actions, and the previous actions still open, each marked done, not done with
the reason, or carried forward. Saving calls supervision.services.session_record, which refuses a
session that leaves out an open case (SUP-CASE); the page then adds the missing cases and says which.

"Add another action" re-shows the page with one more action row for that case, without saving and
without error messages (it works without JavaScript).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from oversight.accounts.permissions import page_policy
from oversight.people.models import Case, Staff
from oversight.policy.preparation import cases_to_discuss, open_actions, preparation_pack
from oversight.store.versions import snapshot
from oversight.supervision import services
from oversight.supervision.models import Action
from oversight.web.supervision.common import Page, page_for, supervisee_or_404
from oversight.web.supervision.display import RISK_COLOURS, RISKS, long_day
from oversight.web.supervision.forms import (
    CaseFormSet,
    PreviousFormSet,
    SessionForm,
    action_formset,
)

CASES, PREVIOUS = "cases", "previous"


@dataclass
class SessionForms:
    session: SessionForm
    cases: CaseFormSet
    actions: list  # an ActionFormSet per case form, in the same order
    previous: PreviousFormSet
    page_errors: list[str] = field(default_factory=list)
    bound: bool = False

    def all_forms(self):
        yield self.session
        yield from self.cases
        for formset in self.actions:
            yield from formset
        yield from self.previous

    def is_valid(self) -> bool:
        results = [self.session.is_valid(), self.cases.is_valid(), self.previous.is_valid()]
        results += [formset.is_valid() for formset in self.actions]
        return all(results)

    def error_summary(self) -> list[dict]:
        if not self.bound:
            return [{"field_id": "", "message": m} for m in self.page_errors]
        items = [{"field_id": "", "message": m} for m in self.page_errors]
        for formset in (self.cases, self.previous, *self.actions):
            items += [{"field_id": "", "message": str(m)} for m in formset.non_form_errors()]
        for form in self.all_forms():
            items += form.error_summary()
        return items


def _owners(staff: Staff, me: Staff) -> list[tuple[str, str]]:
    return [(staff.ref, f"{staff.name} (case manager)"), (me.ref, f"{me.name} (you)")]


def _action_prefix(index: int) -> str:
    return f"{CASES}-{index}-actions"


def _label(forms: SessionForms, previous: dict) -> SessionForms:
    """Labels naming the case or the action (read from the forms' data or initial values)."""
    for case_form, formset in zip(forms.cases, forms.actions):
        ref = _raw(case_form, "case")
        case_form.label_for(ref)
        for number, action_form in enumerate(formset, 1):
            action_form.label_for(ref, number)
    for form in forms.previous:
        ref = _raw(form, "action")
        a = previous.get(ref)
        if a is None:
            legend = f"Action {ref}"
        else:
            legend = f"Action {ref}: {a.text} (case {a.case}" + (f", due {long_day(a.due)})" if a.due else ")")
        form.label_for(legend)
    return forms


def _raw(form, name: str) -> str:
    """A field's value without binding the field (binding would fix its label)."""
    if form.is_bound:
        return form.data.get(form.add_prefix(name), "") or ""
    return form.initial.get(name, "") or ""


def _initial_forms(page: Page, staff: Staff, refs: list[str], info: dict, previous: list, held: date) -> SessionForms:
    me = page.my_staff
    models = {a.ref: a for a in Action.objects.filter(service=page.service, ref__in=[a.id for a in previous])}
    session = SessionForm(
        prefix="session", cases=_choices(refs, info),
        initial={"held_date": held, "agenda": [r for r in refs if r in info and info[r].suggestion.in_depth]},
    )
    cases = CaseFormSet(prefix=CASES, initial=[{"case": ref} for ref in refs])
    actions = [action_formset(1)(prefix=_action_prefix(i), form_kwargs={"owners": _owners(staff, me)})
               for i in range(len(refs))]
    prior = PreviousFormSet(prefix=PREVIOUS, initial=[
        {"action": a.id, "seen": snapshot(models[a.id], fields=services.ACTION_FIELDS),
         "outcome": None if a.overdue else "open"}
        for a in previous if a.id in models
    ])
    return SessionForms(session, cases, actions, prior)


def _bound_forms(request, page: Page, staff: Staff, info: dict) -> SessionForms:
    data = request.POST
    cases = CaseFormSet(data, prefix=CASES)
    posted = [f["case"].value() or "" for f in cases]
    session = SessionForm(data, prefix="session", cases=_choices(posted, info))
    owners = _owners(staff, page.my_staff)
    actions = [action_formset(0)(data, prefix=_action_prefix(i), form_kwargs={"owners": owners})
               for i in range(len(posted))]
    prior = PreviousFormSet(data, prefix=PREVIOUS)
    return SessionForms(session, cases, actions, prior, bound=True)


def _unbound_copy(
    bound: SessionForms, page: Page, staff: Staff, info: dict, *, add_action_to: str | None = None,
    add_cases: list[str] = (),
) -> SessionForms:
    """The same page again without saving: what was typed as initial values, one more action row
    where asked, and any cases to add."""
    def values(form) -> dict:
        return {name: form[name].value() for name in form.fields}

    case_rows = [values(f) for f in bound.cases] + [{"case": ref} for ref in add_cases]
    refs = [row.get("case") or "" for row in case_rows]
    owners = _owners(staff, page.my_staff)
    actions = []
    for i in range(len(case_rows)):
        rows = []
        if i < len(bound.actions):
            rows = [values(f) for f in bound.actions[i] if (f["text"].value() or "").strip() or any(f["due"].value() or ())]
        extra = 2 if add_action_to == f"{CASES}-{i}" else 1
        actions.append(action_formset(extra)(prefix=_action_prefix(i), initial=rows, form_kwargs={"owners": owners}))
    return SessionForms(
        SessionForm(prefix="session", cases=_choices(refs, info), initial=values(bound.session)),
        CaseFormSet(prefix=CASES, initial=case_rows),
        actions,
        PreviousFormSet(prefix=PREVIOUS, initial=[values(f) for f in bound.previous]),
        page_errors=list(bound.page_errors),
    )


def _choices(refs: list[str], info: dict) -> list[tuple[str, str]]:
    out = []
    for ref in refs:
        if ref in info:
            out.append((ref, f"{ref}: {info[ref].case.name}"))
        elif ref:
            out.append((ref, ref))
    return out


@page_policy("manager")
def record_session(request, staff_ref: str):
    page = page_for(request)
    staff = supervisee_or_404(request, page, staff_ref)
    facts = page.facts
    pack = preparation_pack(facts, staff.ref, page.now, page.findings)
    info = {p.case.id: p for p in pack}
    previous = open_actions(facts, page.now, cases=list(info), supervisee=staff.ref)
    previous_by_ref = {a.id: a for a in previous}

    # Labels name the case or action, so they are set before a form is validated or shown (a form's
    # fields are bound, label and all, the first time they are used).
    if request.method != "POST":
        held = _held_from_query(request.GET.get("held"), page.today)
        forms = _label(_initial_forms(page, staff, [p.case.id for p in pack], info, previous, held), previous_by_ref)
    else:
        forms = _label(_bound_forms(request, page, staff, info), previous_by_ref)
        if "add_action" in request.POST:
            forms = _label(_unbound_copy(forms, page, staff, info, add_action_to=request.POST.get("add_action")),
                           previous_by_ref)
        elif forms.is_valid():
            try:
                session = _save(page, staff, forms)
            except ValidationError as invalid:
                forms = _label(_show_errors(forms, invalid, page, staff, info), previous_by_ref)
            else:
                _saved_message(request, page, staff, session)
                return redirect("web:supervision")
    context = {
        "staff": staff,
        "forms": forms,
        "form": forms.session,  # base.html: "Error: " in the title
        "errors": forms.error_summary(),
        "blocks": _blocks(forms, info),
        "agenda_hints": {ref: "Suggested: " + "; ".join(p.suggestion.reasons) for ref, p in info.items()
                         if p.suggestion.in_depth},
        "previous": [(f, previous_by_ref.get(f["action"].value())) for f in forms.previous],
        "prepare_href": reverse("web:supervision-prepare", args=[staff.ref]),
    }
    return render(request, "web/supervision/record.html", context)


def _held_from_query(text: str | None, today: date) -> date:
    try:
        held = date.fromisoformat(text or "")
    except ValueError:
        return today
    return min(held, today)


def _blocks(forms: SessionForms, info: dict) -> list[dict]:
    blocks = []
    for case_form, formset in zip(forms.cases, forms.actions):
        ref = case_form["case"].value() or ""
        p = info.get(ref)
        blocks.append({
            "ref": ref,
            "name": p.case.name if p else "",
            "risk": RISKS.get(p.case.risk, "") if p else "",
            "risk_colour": RISK_COLOURS.get(p.case.risk, "") if p else "",
            "suggestion": p.suggestion if p else None,
            "reallocated": p.reallocated if p else False,
            "form": case_form,
            "actions": formset,
            "prefix": case_form.prefix,
        })
    return blocks


def _save(page: Page, staff: Staff, forms: SessionForms):
    data = forms.session.cleaned_data
    held = datetime.combine(data["held_date"], data["held_time"], tzinfo=page.tz)
    refs = [f.cleaned_data["case"] for f in forms.cases]
    cases = {c.ref: c for c in Case.objects.filter(service=page.service, ref__in=refs)}
    owners = {s.ref: s for s in Staff.objects.filter(service=page.service, ref__in=[staff.ref, page.me])}
    unknown = [ref for ref in refs if ref not in cases]
    if unknown:
        raise ValidationError({"cases": f"No case {', '.join(unknown)} in this service"})
    agenda = set(data.get("agenda") or ())
    discussions = []
    for case_form, formset in zip(forms.cases, forms.actions):
        ref = case_form.cleaned_data["case"]
        discussions.append(services.CaseDiscussion(
            case=cases[ref],
            depth="in_depth" if ref in agenda else "check_in",
            notes=case_form.cleaned_data.get("notes") or "",
            significant=bool(case_form.cleaned_data.get("significant")),
            actions=tuple(
                services.NewAction(
                    text=f.cleaned_data["text"], owner=owners.get(f.cleaned_data.get("owner")) or staff,
                    due=f.cleaned_data.get("due"),
                )
                for f in formset if f.cleaned_data and not f.is_blank
            ),
        ))
    action_refs = [f.cleaned_data["action"] for f in forms.previous]
    models = {a.ref: a for a in Action.objects.filter(service=page.service, ref__in=action_refs)}
    updates = []
    for f in forms.previous:
        ref = f.cleaned_data["action"]
        if ref not in models:
            raise ValidationError({"previous": f"No action {ref} in this service"})
        updates.append(services.ActionUpdate(
            action=models[ref], outcome=f.cleaned_data["outcome"], reason=f.cleaned_data.get("reason") or "",
            seen=f.cleaned_data["seen"],
        ))
    return services.session_record(
        service=page.service, supervisor=page.my_staff, supervisee=staff, held=held,
        minutes=data.get("minutes"), discussions=discussions, action_updates=updates, actor=page.identity.label,
    )


def _show_errors(forms: SessionForms, invalid: ValidationError, page: Page, staff: Staff, info: dict) -> SessionForms:
    errors = getattr(invalid, "message_dict", {"__all__": invalid.messages})
    for key, field_name in (("held", "held_date"), ("minutes", "minutes")):
        for message in errors.pop(key, []):
            forms.session.add_error(field_name, message)
    for key in ("cases", "depth", "actions", "previous", "__all__"):
        forms.page_errors += errors.pop(key, [])
    for messages_ in errors.values():
        forms.page_errors += messages_
    if "cases" in getattr(invalid, "message_dict", {}):
        held = datetime.combine(
            forms.session.cleaned_data["held_date"], forms.session.cleaned_data["held_time"],
        )
        required = cases_to_discuss(page.facts, staff.ref, held.date())
        present = {f.cleaned_data.get("case") for f in forms.cases}
        missing = [ref for ref in required if ref not in present]
        if missing:
            return _unbound_copy(forms, page, staff, info, add_cases=missing)
    return forms


def _saved_message(request, page: Page, staff: Staff, session) -> None:
    discussions = list(session.discussions.all())
    written = sum(1 for d in discussions if d.recorded is not None)
    text = (f"Formal supervision {session.ref} with {staff.name} is recorded: {len(discussions)} "
            f"case{'s' if len(discussions) != 1 else ''} discussed, {written} record{'s' if written != 1 else ''} "
            "written on the children's files.")
    if written < len(discussions):
        text += f" {len(discussions) - written} still to write: see Records to write."
    messages.success(request, text)
