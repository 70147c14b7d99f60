//! Which commands make sense for an actor now, so the case page offers exactly those forms. The
//! gates still decide: this only hides what certainly cannot pass (wrong state, wrong person).

use super::*;

pub fn available(c: &Case, actor: &Actor) -> Vec<&'static str> {
    let who = actor.who();
    let auxiliary = actor.person.as_ref().is_some_and(|p| p.auxiliary);
    if auxiliary {
        return Vec::new();
    }
    let handler = c.handlers.contains(&who);
    let officer = actor.has(Role::Officer) || actor.has(Role::Leader);
    let leader = actor.has(Role::Leader);
    let mut out: Vec<&'static str> = Vec::new();
    let complaint = matches!(c.source, Source::Complaint | Source::TransferIn) && c.informant_told.is_none();
    if let Some(s) = c.pending() {
        if let Some((_, step)) = s.next_step() {
            if actor.has(step.role) && !handler && s.submitted_by != who && !s.opinions.iter().any(|o| o.by_person == who) {
                out.extend(["approve", "reject"]);
            }
        }
    }
    let pending = c.pending().is_some();
    match c.state {
        State::Registered | State::Checked if officer => {
            out.push("record_check");
            if !pending {
                if c.state == State::Checked {
                    out.push("propose_filing");
                }
                out.push("propose_disposal");
            }
            out.extend(["add_evidence", "confirm_address"]);
        }
        s if s.is_open_investigation() && handler => {
            out.extend(["add_evidence", "request_assistance", "confirm_address", "request_recusal"]);
            if c.assistance.iter().any(|a| a.answer.is_none()) {
                out.push("answer_assistance");
            }
            if c.preservations.iter().any(|p| p.status == "approved") {
                out.push("decide_preservation");
            }
            if !pending {
                out.extend(["request_preservation", "request_termination", "request_transfer_out"]);
                if c.suspension.is_none() {
                    out.extend(["request_suspension", "request_extension"]);
                }
                // The report may be revised until the decision (APL art. 37: the rules in force
                // when deciding); a revision returns the case to the prior notice.
                if matches!(s, State::Investigating | State::Reported | State::Notified | State::Deliberating) {
                    out.push("submit_report");
                }
                match s {
                    State::Reported => {
                        out.push(if c.report.as_ref().is_some_and(|r| r.proposal.outcome == Outcome::Penalty) { "propose_notice" } else { "propose_decision" })
                    }
                    State::NoticeApproved => out.push("serve_notice"),
                    State::Notified => {
                        out.extend(["record_statement", "waive_statement", "propose_decision"]);
                        if c.hearing_right && c.hearing.is_none() {
                            out.push("request_hearing");
                        }
                    }
                    State::Deliberating => out.extend(["record_statement", "propose_decision"]),
                    State::HearingRequested | State::HearingScheduled => out.push("record_statement"),
                    _ => {}
                }
            }
        }
        State::Decided if handler => out.push("serve"),
        _ => {}
    }
    if matches!(c.state, State::HearingRequested | State::HearingScheduled) && (leader || actor.has(Role::LegalReviewer)) && !handler {
        out.push("schedule_hearing");
    }
    if c.state == State::HearingScheduled && c.hearing.as_ref().and_then(|h| h.host.as_deref()) == Some(who.as_str()) {
        out.push("record_hearing");
    }
    if leader && !c.state.is_terminal() {
        if c.state == State::Checked || c.state.is_open_investigation() {
            out.push("assign_handlers");
        }
        if c.recusals.iter().any(|r| r.status == "pending") {
            out.push("decide_recusal");
        }
        if matches!(c.state, State::Reported | State::NoticeApproved | State::Notified | State::Deliberating) {
            out.push("record_discussion");
        }
        if c.suspension.is_some() {
            out.push("resume");
        }
    }
    if leader && c.numbers.iter().any(|n| n.status == "issued") {
        out.push("void_number");
    }
    if complaint && (handler || officer) {
        out.push("notify_informant");
    }
    execution_commands(c, actor, handler, pending, &mut out);
    out.dedup();
    out
}

/// The execution-to-archive commands (execution.rs) that make sense now.
fn execution_commands(c: &Case, actor: &Actor, handler: bool, pending: bool, out: &mut Vec<&'static str>) {
    let leader = actor.has(Role::Leader);
    let inspector = actor.has(Role::Inspector);
    let x = &c.execution;
    let fine = execution::fine_fen(c) > 0;
    let annulled = x.remedies.iter().any(|r| matches!(r.outcome.as_deref(), Some("revoked" | "confirmed_void")));
    let mut push = |name: &'static str, ok: bool| {
        if ok && execution::allowed_in(c.state, name) {
            out.push(name);
        }
    };
    let staff = handler || leader;
    push("record_payment", staff && fine && !annulled);
    push("apply_deferral", handler && fine && !annulled && !x.deferrals.iter().any(|d| d.status == "pending"));
    push("decide_deferral", leader && !handler && x.deferrals.iter().any(|d| d.status == "pending"));
    push("serve_reminder", handler && fine && !annulled && x.court.is_none());
    push("apply_to_court", handler && fine && !annulled && x.court.is_none() && !x.reminders.is_empty());
    push("record_court_outcome", staff && x.court.as_ref().is_some_and(|a| a.outcome.is_none()));
    let remedy_staff = staff || actor.has(Role::LegalReviewer);
    push("record_remedy", remedy_staff && c.decision.is_some());
    push("record_remedy_outcome", remedy_staff && x.remedies.iter().any(|r| r.is_pending()));
    push("publish_decision", staff && x.disclosure.as_ref().is_some_and(|d| d.status() == "to_publish"));
    push("withdraw_publication", staff && x.disclosure.as_ref().is_some_and(|d| d.status() == "to_withdraw"));
    push("conclude_accountability", (inspector || leader) && !handler && x.accountability.iter().any(|a| a.conclusion.is_none()));
    push("propose_closing", handler && !pending);
    push("archive", leader);
    push("lend_file", leader && !x.loans.iter().any(|l| l.returned_on.is_none()));
    push("return_file", leader && x.loans.iter().any(|l| l.returned_on.is_none()));
    push("review_file", (inspector || leader) && !handler);
    if let Some(r) = c.on_the_spot.as_ref().filter(|_| c.procedure == Procedure::Simple) {
        let col = r.collection.as_ref();
        push("file_with_unit", handler && r.filed_with_unit_on.is_none());
        push("collect_on_spot", handler && fine && col.is_none() && x.payments.is_empty());
        push("deposit_to_unit", handler && col.is_some_and(|c| c.to_unit_on.is_none()));
        push("deposit_to_bank", staff && col.is_some_and(|c| c.to_unit_on.is_some() && c.to_bank_on.is_none()));
    }
}
