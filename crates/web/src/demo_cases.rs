//! Demo cases for the demo city, made through the same services as any user's commands (every act
//! goes through the gates and into the full-process record): one served decision partly paid,
//! one awaiting the leader's filing approval, one whose statement period is running, one complaint
//! lead, and an on-the-spot fine collected against a receipt (the officer holds 20 receipts).

use crate::auth::Ctx;
use crate::cases::{self, CommandResult};
use crate::error::{ApiResult, AppError};
use crate::AppState;
use chengguan_domain::case::{Command, Registration};
use chengguan_domain::people::{Certificate, Person, PersonStatus};
use chengguan_domain::{demo, Table};
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::sync::Arc;

/// A context for a demo account, as its login would give (no session: not reachable over HTTP).
async fn ctx_for(state: &AppState, username: &str) -> ApiResult<Ctx> {
    let account = state.store.account_by_username(username).await?.ok_or_else(|| AppError::not_found("账号", "account"))?;
    let tenant = state.store.tenant(&account.tenant_id).await?.ok_or_else(|| AppError::not_found("租户", "tenant"))?;
    let grants = state.store.grants(&tenant.id, &account.id).await?;
    let org = Arc::new(state.store.org_graph(&tenant.id).await?);
    Ok(Ctx { tenant_id: tenant.id, tenant_name: tenant.name, account, grants, org, cookie_token: None, session_id: "demo".into(), state: state.clone() })
}

fn command(v: Value) -> ApiResult<Command> {
    serde_json::from_value(v).map_err(|e| AppError::bad_request("invalid_body", e.to_string(), e.to_string()))
}

async fn run(ctx: &Ctx, id: &str, v: Value) -> ApiResult<CommandResult> {
    cases::command(ctx, id, command(v)?, None).await
}

/// A second handler for `person`'s cases: an active, established officer of the same unit whose
/// certificate is valid on `day` and for at least `valid_for_days` more (demo cases, tests and the
/// benchmark pair handlers this way).
pub fn second_officer(people: &[Person], certs: &[Certificate], person: &str, day: NaiveDate, valid_for_days: i64) -> Option<String> {
    let unit = &people.iter().find(|p| p.id == person)?.org_unit_id;
    people
        .iter()
        .filter(|p| p.id != person && p.org_unit_id == *unit && p.staffing.is_established() && p.status == PersonStatus::Active)
        .find(|p| certs.iter().any(|c| c.person_id == p.id && c.valid_on(day) && c.valid_until > day + chrono::Duration::days(valid_for_days)))
        .map(|p| p.id.clone())
}

/// Seeds the demo cases once (nothing happens when the demo tenant already has cases).
pub async fn seed(state: &AppState) -> ApiResult<usize> {
    let Some(tenant) = state.store.tenant_by_code(demo::DEMO_TENANT_CODE).await? else { return Ok(0) };
    if !state.store.table_rows(&tenant.id, Table::Cases).await?.is_empty() {
        return Ok(0);
    }
    let officer = ctx_for(state, "officer").await?;
    let leader = ctx_for(state, "leader").await?;
    let reviewer = ctx_for(state, "legal_reviewer").await?;
    let me = officer.account.person_id.clone().unwrap_or_default();
    let now = state.clock.now();
    let today = now.date();
    // A second certified, established officer of the officer's team.
    let people = state.store.people(&tenant.id).await?;
    let certs = state.store.certificates(&tenant.id).await?;
    let team = people.iter().find(|p| p.id == me).map(|p| p.org_unit_id.clone()).unwrap_or_default();
    let other = second_officer(&people, &certs, &me, today, 120).ok_or_else(|| AppError::not_found("第二名持证执法人员", "second certified officer"))?;
    let register = |title: &str, content: &str, source: &str| Registration {
        unit_id: team.clone(),
        source: serde_json::from_value(json!(source)).expect("a source"),
        source_ref: None,
        informant: None,
        lead_on: today,
        title: title.into(),
        content: content.into(),
        party: None,
        cause_code: None,
    };
    let filing = |name: &str, id_number: &str| {
        json!({ "command": "propose_filing", "cause_code": "SZ-001",
            "party": { "kind": "person", "name": name, "id_number": id_number, "phone": "13900001111", "address": "江汉区民族路88号" },
            "violation_on": today, "handlers": [me, other], "facts": "当事人在人行道上摆摊经营，占道约6平方米", "reason": "涉嫌擅自占用城市道路" })
    };
    let check = json!({ "command": "record_check", "finding": "现场核实属实", "violation_found": true });
    let review = json!({ "subject_and_authority": true, "officer_qualification": true, "procedure": true, "facts_and_evidence": true,
        "legal_basis_and_discretion": true, "documents": true, "judiciary_transfer_needed": false, "conclusion": "agree" });
    let report = json!({ "command": "submit_report", "findings": "当事人擅自占用人行道经营", "evidence_summary": "现场检查笔录、询问笔录、照片",
        "provisions": "《城市道路管理条例》第二十七条、第四十二条", "facts": { "quantity": 6, "harm": "minor" },
        "proposal": { "outcome": "penalty", "penalties": ["fine"], "fine_yuan": 6000, "reason_outside_range": "经多次劝导仍占道经营" } });
    let inspection = json!({ "command": "add_evidence", "evidence": { "kind": "site_inspection", "title": "现场检查笔录", "content": "占道约6平方米",
        "officers": [me, other], "collected_at": now, "place": "民族路", "party_present": true, "certificate_shown": true, "rights_told": true } });

    // 1. From lead to served decision.
    let a = cases::register(&officer, register("民族路占道经营案", "巡查发现当事人在人行道上摆摊经营", "patrol"), None).await?.case_id;
    run(&officer, &a, check.clone()).await?;
    run(&officer, &a, filing("示例甲", "420103198501011234")).await?;
    run(&leader, &a, json!({ "command": "approve", "opinion": "同意立案" })).await?;
    run(&officer, &a, inspection.clone()).await?;
    run(&officer, &a, report.clone()).await?;
    run(&officer, &a, json!({ "command": "propose_notice" })).await?;
    run(&reviewer, &a, json!({ "command": "approve", "opinion": "事实清楚，同意告知", "review": review })).await?;
    run(&leader, &a, json!({ "command": "approve", "opinion": "同意" })).await?;
    run(&officer, &a, json!({ "command": "serve_notice", "served_on": today, "method": "直接送达" })).await?;
    run(&officer, &a, json!({ "command": "waive_statement", "on": today, "signed": true })).await?;
    run(&officer, &a, json!({ "command": "propose_decision" })).await?;
    run(&reviewer, &a, json!({ "command": "approve", "opinion": "同意", "review": review })).await?;
    run(&leader, &a, json!({ "command": "approve", "opinion": "同意处罚" })).await?;
    run(&officer, &a, json!({ "command": "serve", "method": "in_person", "served_at": state.clock.now(), "recipient": "示例甲", "place": "民族路" })).await?;

    // 2. Awaiting the leader's filing approval (the leader's inbox).
    let b = cases::register(&officer, register("前进路占道堆物案", "巡查发现商户在人行道堆放货物", "patrol"), None).await?.case_id;
    run(&officer, &b, check.clone()).await?;
    run(&officer, &b, filing("示例乙", "420103199002021234")).await?;

    // 3. Prior notice served; the statement period runs.
    let c = cases::register(&officer, register("花楼街占道经营案", "群众反映花楼街占道经营", "patrol"), None).await?.case_id;
    run(&officer, &c, check).await?;
    run(&officer, &c, filing("示例丙", "420103198803031234")).await?;
    run(&leader, &c, json!({ "command": "approve", "opinion": "同意立案" })).await?;
    run(&officer, &c, inspection).await?;
    run(&officer, &c, report).await?;
    run(&officer, &c, json!({ "command": "propose_notice" })).await?;
    run(&reviewer, &c, json!({ "command": "approve", "opinion": "同意告知", "review": review })).await?;
    run(&leader, &c, json!({ "command": "approve", "opinion": "同意" })).await?;
    run(&officer, &c, json!({ "command": "serve_notice", "served_on": today, "method": "直接送达" })).await?;

    // 4. A complaint lead to check (the complainant must be told within the profile's period).
    let mut lead = register("万松园路夜间噪声扰民投诉", "市民投诉夜间烧烤摊占道经营、噪声扰民", "complaint");
    lead.informant =
        Some(chengguan_domain::case::Informant {
            name: "示例投诉人".into(), unit: String::new(), address: "万松园路".into(), phone: "13900002222".into()
        });
    cases::register(&officer, lead, None).await?;

    // 5. Execution: the served case's fine is partly paid at the bank.
    run(&officer, &a, json!({ "command": "record_payment", "amount_fen": 200_000, "paid_on": today, "reference": "DEMO-BANK-0001", "channel": "bank" }))
        .await?;

    // 6. The simple procedure: receipts issued to the officer, a 50-yuan fine decided and collected
    // on the spot against the first one.
    crate::receipts::issue(
        &leader,
        crate::receipts::IssueInput { holder: me.clone(), numbers: Vec::new(), prefix: "DEMO".into(), from: Some(1), to: Some(20), width: Some(6) },
    )
    .await?;
    let spot: chengguan_domain::case::OnTheSpot = serde_json::from_value(json!({ "unit_id": team, "party": { "kind": "person", "name": "示例丁" },
        "cause_code": "SZ-001", "violation_on": today, "place": "江汉路步行街", "facts": "当事人在步行街摆摊经营，占道约1平方米",
        "provisions": "《城市道路管理条例》第二十七条、第四十二条", "penalty": "fine", "fine_yuan": 50, "officers": [me, other],
        "certificate_shown": true, "statement": "已告知违法事实、理由、依据和陈述申辩权利，当事人无异议" }))
    .map_err(|e| AppError::bad_request("invalid_body", e.to_string(), e.to_string()))?;
    let d = cases::on_the_spot(&officer, spot, None).await?.case_id;
    run(&officer, &d, json!({ "command": "collect_on_spot", "amount_fen": 5_000, "receipt": "DEMO000001", "ground": "small_fine" })).await?;
    Ok(5)
}
