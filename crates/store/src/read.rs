//! Typed reads. Every query names its tenant (except look-ups by a globally unique secret).

use crate::schema::columns;
use crate::{value_of, Result, Store, StoreError};
use chengguan_domain::auth::{Grant, Role};
use chengguan_domain::org::{OrgGraph, OrgKind, OrgUnit};
use chengguan_domain::people::{posts_from_text, Certificate, Gender, Person, PersonStatus, Staffing};
use chengguan_domain::{Row, Table, Value};
use sqlx::any::AnyRow;
use sqlx::Row as _;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: String,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub tenant_id: String,
    pub id: String,
    pub username: String,
    pub person_id: Option<String>,
    pub password_hash: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub tenant_id: String,
    pub id: String,
    pub account_id: String,
    pub kind: String,
    pub created_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
}

/// A tenant's override of a rule file: `id` is `procedure` (an overlay of the procedural rule
/// profile) or `local_days` (local rest and working days); `text` is the TOML as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOverride {
    pub tenant_id: String,
    pub id: String,
    pub text: String,
    /// The tenant's legal source for the override as a whole.
    pub citation: String,
    pub updated_by: String,
    pub updated_at: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    pub seq: i64,
    pub time_ms: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub payload: String,
    pub payload_hash: String,
    /// Comma-separated hex SHA-256 of attached files ('' when none).
    pub file_hashes: String,
    pub corrects: Option<i64>,
    pub leaf_hash: String,
}

impl LedgerRow {
    /// The entry as the domain encodes it (to recompute its leaf hash).
    pub fn entry(&self) -> std::result::Result<chengguan_domain::ledger::Entry, String> {
        let h = |s: &str| -> std::result::Result<[u8; 32], String> {
            let v = hex::decode(s).map_err(|e| format!("bad hex {s:?}: {e}"))?;
            v.try_into().map_err(|_| format!("hash {s:?} is not 32 bytes"))
        };
        Ok(chengguan_domain::ledger::Entry {
            seq: self.seq as u64,
            time_ms: self.time_ms,
            actor: self.actor.clone(),
            action: self.action.clone(),
            subject: self.subject.clone(),
            payload_hash: h(&self.payload_hash)?,
            file_hashes: self.file_hashes.split(',').filter(|s| !s.is_empty()).map(h).collect::<std::result::Result<_, _>>()?,
            corrects: self.corrects.map(|c| c as u64),
        })
    }
}

pub(crate) fn ledger_row(r: &AnyRow) -> Result<LedgerRow> {
    Ok(LedgerRow {
        seq: r.try_get("seq")?,
        time_ms: r.try_get("time_ms")?,
        actor: s(r, "actor")?,
        action: s(r, "action")?,
        subject: s(r, "subject")?,
        payload: s(r, "payload")?,
        payload_hash: s(r, "payload_hash")?,
        file_hashes: s(r, "file_hashes")?,
        corrects: r.try_get::<Option<i64>, _>("corrects")?,
        leaf_hash: s(r, "leaf_hash")?,
    })
}

fn s(r: &AnyRow, c: &str) -> Result<String> {
    Ok(r.try_get::<String, _>(c)?)
}
fn os(r: &AnyRow, c: &str) -> Result<Option<String>> {
    Ok(r.try_get::<Option<String>, _>(c)?)
}
fn b(r: &AnyRow, c: &str) -> Result<bool> {
    Ok(r.try_get::<i64, _>(c)? != 0)
}
fn date(r: &AnyRow, c: &str) -> Result<chrono::NaiveDate> {
    s(r, c)?.parse().map_err(|_| StoreError::Corrupt(format!("{c} is not a date")))
}
fn bad(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("unknown {what} {v:?}"))
}

fn org_unit(r: &AnyRow) -> Result<OrgUnit> {
    let kind = s(r, "kind")?;
    Ok(OrgUnit {
        tenant_id: s(r, "tenant_id")?,
        id: s(r, "id")?,
        code: s(r, "code")?,
        name: s(r, "name")?,
        kind: OrgKind::parse(&kind).ok_or_else(|| bad("org kind", &kind))?,
        admin_parent_id: os(r, "admin_parent_id")?,
        guidance_parent_id: os(r, "guidance_parent_id")?,
        enforcement_subject: b(r, "enforcement_subject")?,
        population: r.try_get::<Option<i64>, _>("population")?,
        active: b(r, "active")?,
    })
}

fn person(r: &AnyRow) -> Result<Person> {
    let staffing = s(r, "staffing")?;
    let status = s(r, "status")?;
    Ok(Person {
        tenant_id: s(r, "tenant_id")?,
        id: s(r, "id")?,
        org_unit_id: s(r, "org_unit_id")?,
        name: s(r, "name")?,
        gender: os(r, "gender")?.and_then(|g| Gender::parse(&g)),
        id_number: os(r, "id_number")?,
        phone: os(r, "phone")?,
        staffing: Staffing::parse(&staffing).ok_or_else(|| bad("staffing", &staffing))?,
        posts: posts_from_text(&s(r, "posts")?),
        frontline: b(r, "frontline")?,
        status: PersonStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        joined_on: os(r, "joined_on")?.and_then(|d| d.parse().ok()),
    })
}

fn certificate(r: &AnyRow) -> Result<Certificate> {
    Ok(Certificate {
        tenant_id: s(r, "tenant_id")?,
        id: s(r, "id")?,
        person_id: s(r, "person_id")?,
        number: s(r, "number")?,
        issuer: s(r, "issuer")?,
        valid_from: date(r, "valid_from")?,
        valid_until: date(r, "valid_until")?,
        scope: s(r, "scope")?,
        active: b(r, "active")?,
    })
}

fn account(r: &AnyRow) -> Result<Account> {
    Ok(Account {
        tenant_id: s(r, "tenant_id")?,
        id: s(r, "id")?,
        username: s(r, "username")?,
        person_id: os(r, "person_id")?,
        password_hash: s(r, "password_hash")?,
        active: b(r, "active")?,
    })
}

fn rule_override(r: &AnyRow) -> Result<RuleOverride> {
    Ok(RuleOverride {
        tenant_id: s(r, "tenant_id")?,
        id: s(r, "id")?,
        text: s(r, "text")?,
        citation: s(r, "citation")?,
        updated_by: s(r, "updated_by")?,
        updated_at: s(r, "updated_at")?,
        active: b(r, "active")?,
    })
}

impl Store {
    /// Every rule override of a tenant, active or reset, by id.
    pub async fn rule_overrides(&self, tenant: &str) -> Result<Vec<RuleOverride>> {
        let rows = sqlx::query("SELECT * FROM rule_overrides WHERE tenant_id = $1 ORDER BY id").bind(tenant).fetch_all(&self.pool).await?;
        rows.iter().map(rule_override).collect()
    }

    pub async fn rule_override(&self, tenant: &str, id: &str) -> Result<Option<RuleOverride>> {
        let row = sqlx::query("SELECT * FROM rule_overrides WHERE tenant_id = $1 AND id = $2").bind(tenant).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(rule_override).transpose()
    }

    pub async fn tenants(&self) -> Result<Vec<Tenant>> {
        let rows = sqlx::query("SELECT id, code, name FROM tenants ORDER BY code").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(Tenant { id: s(r, "id")?, code: s(r, "code")?, name: s(r, "name")? })).collect()
    }

    pub async fn tenant_by_code(&self, code: &str) -> Result<Option<Tenant>> {
        Ok(self.tenants().await?.into_iter().find(|t| t.code == code))
    }

    pub async fn tenant(&self, id: &str) -> Result<Option<Tenant>> {
        Ok(self.tenants().await?.into_iter().find(|t| t.id == id))
    }

    pub async fn org_units(&self, tenant: &str) -> Result<Vec<OrgUnit>> {
        let rows = sqlx::query("SELECT * FROM org_units WHERE tenant_id = $1 ORDER BY code").bind(tenant).fetch_all(&self.pool).await?;
        rows.iter().map(org_unit).collect()
    }

    pub async fn org_graph(&self, tenant: &str) -> Result<OrgGraph> {
        Ok(OrgGraph::new(self.org_units(tenant).await?))
    }

    /// Every person of the tenant (a city's staff is thousands of rows: filtered in the caller).
    pub async fn people(&self, tenant: &str) -> Result<Vec<Person>> {
        let rows = sqlx::query("SELECT * FROM people WHERE tenant_id = $1 ORDER BY org_unit_id, id").bind(tenant).fetch_all(&self.pool).await?;
        rows.iter().map(person).collect()
    }

    pub async fn person(&self, tenant: &str, id: &str) -> Result<Option<Person>> {
        let row = sqlx::query("SELECT * FROM people WHERE tenant_id = $1 AND id = $2").bind(tenant).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(person).transpose()
    }

    pub async fn certificates(&self, tenant: &str) -> Result<Vec<Certificate>> {
        let rows = sqlx::query("SELECT * FROM certificates WHERE tenant_id = $1 ORDER BY person_id, valid_from").bind(tenant).fetch_all(&self.pool).await?;
        rows.iter().map(certificate).collect()
    }

    pub async fn certificates_of(&self, tenant: &str, person_id: &str) -> Result<Vec<Certificate>> {
        let rows = sqlx::query("SELECT * FROM certificates WHERE tenant_id = $1 AND person_id = $2 ORDER BY valid_from")
            .bind(tenant)
            .bind(person_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(certificate).collect()
    }

    pub async fn certificate_by_number(&self, tenant: &str, number: &str) -> Result<Option<Certificate>> {
        let row = sqlx::query("SELECT * FROM certificates WHERE tenant_id = $1 AND number = $2").bind(tenant).bind(number).fetch_optional(&self.pool).await?;
        row.as_ref().map(certificate).transpose()
    }

    /// Usernames are unique across tenants, so a login names no tenant.
    pub async fn account_by_username(&self, username: &str) -> Result<Option<Account>> {
        let row = sqlx::query("SELECT * FROM accounts WHERE username = $1").bind(username).fetch_optional(&self.pool).await?;
        row.as_ref().map(account).transpose()
    }

    pub async fn account(&self, tenant: &str, id: &str) -> Result<Option<Account>> {
        let row = sqlx::query("SELECT * FROM accounts WHERE tenant_id = $1 AND id = $2").bind(tenant).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(account).transpose()
    }

    pub async fn accounts(&self, tenant: &str) -> Result<Vec<Account>> {
        let rows = sqlx::query("SELECT * FROM accounts WHERE tenant_id = $1 ORDER BY username").bind(tenant).fetch_all(&self.pool).await?;
        rows.iter().map(account).collect()
    }

    /// Active grants of one account.
    pub async fn grants(&self, tenant: &str, account_id: &str) -> Result<Vec<Grant>> {
        Ok(self.all_grants(tenant).await?.into_iter().filter(|(a, _)| a == account_id).map(|(_, g)| g).collect())
    }

    /// Active grants of the tenant as (account id, grant).
    pub async fn all_grants(&self, tenant: &str) -> Result<Vec<(String, Grant)>> {
        let rows = sqlx::query("SELECT account_id, role, org_unit_id FROM grants WHERE tenant_id = $1 AND active = 1 ORDER BY account_id, role, org_unit_id")
            .bind(tenant)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let role = s(r, "role")?;
                Ok((s(r, "account_id")?, Grant { role: Role::parse(&role).ok_or_else(|| bad("role", &role))?, org_unit_id: s(r, "org_unit_id")? }))
            })
            .collect()
    }

    /// A session by the hash of its secret token (globally unique, so no tenant is named).
    pub async fn session(&self, id: &str) -> Result<Option<Session>> {
        let row = sqlx::query("SELECT * FROM sessions WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        row.as_ref()
            .map(|r| {
                Ok(Session {
                    tenant_id: s(r, "tenant_id")?,
                    id: s(r, "id")?,
                    account_id: s(r, "account_id")?,
                    kind: s(r, "kind")?,
                    created_at: s(r, "created_at")?,
                    expires_at: s(r, "expires_at")?,
                    revoked_at: os(r, "revoked_at")?,
                })
            })
            .transpose()
    }

    /// Sessions of an account not yet revoked (expired ones included; the caller filters).
    pub async fn open_sessions(&self, tenant: &str, account_id: &str) -> Result<Vec<Session>> {
        let rows = sqlx::query("SELECT id FROM sessions WHERE tenant_id = $1 AND account_id = $2 AND revoked_at IS NULL")
            .bind(tenant)
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::new();
        for r in rows {
            if let Some(s) = self.session(&s(&r, "id")?).await? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// Personal-data commitments still kept for a row (what an erasure must name).
    pub async fn personal_commitments(&self, tenant: &str, table: Table, row_key: &str) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT commitment FROM ledger_personal WHERE tenant_id = $1 AND table_name = $2 AND row_key = $3 ORDER BY commitment")
            .bind(tenant)
            .bind(table.name())
            .bind(row_key)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| s(r, "commitment")).collect()
    }

    pub async fn ledger_size(&self, tenant: &str) -> Result<i64> {
        let row = sqlx::query("SELECT size FROM ledger_heads WHERE tenant_id = $1").bind(tenant).fetch_optional(&self.pool).await?;
        Ok(match row {
            Some(r) => r.try_get::<i64, _>(0)?,
            None => 0,
        })
    }

    /// Entries with seq < `before` (newest first), at most `limit`; optionally for one subject.
    pub async fn ledger_entries(&self, tenant: &str, before: i64, limit: i64, subject: Option<&str>) -> Result<Vec<LedgerRow>> {
        let rows = match subject {
            Some(subj) => {
                sqlx::query("SELECT * FROM ledger WHERE tenant_id = $1 AND seq < $2 AND subject = $3 ORDER BY seq DESC LIMIT $4")
                    .bind(tenant)
                    .bind(before)
                    .bind(subj)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("SELECT * FROM ledger WHERE tenant_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3")
                    .bind(tenant)
                    .bind(before)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(ledger_row).collect()
    }

    /// Every row of a domain table for a tenant as generic after-images (tests, replay, export),
    /// in key order.
    pub async fn table_rows(&self, tenant: &str, table: Table) -> Result<Vec<Row>> {
        self.select(tenant, table, "", Vec::new(), &format!("ORDER BY {}", table.key().join(", "))).await
    }

    /// One row of a table keyed by (tenant_id, id), as its after-image.
    pub async fn row(&self, tenant: &str, table: Table, id: &str) -> Result<Option<Row>> {
        if let Some(readers) = self.readers() {
            // A point read by key: natively on this thread (see `exec::Readers`).
            let cols = columns(table);
            let sql = select_sql(table, "AND id = $2", "");
            let types: Vec<crate::schema::Ty> = cols.iter().map(|(_, t)| *t).collect();
            let rows = readers.rows(&sql, &[crate::exec::Arg::Text(tenant), crate::exec::Arg::Text(id)], &types)?;
            return Ok(rows.into_iter().next().map(|vals| {
                let mut out = Row::new(table);
                for ((c, _), v) in cols.iter().zip(vals) {
                    out.values.insert((*c).to_owned(), v);
                }
                out
            }));
        }
        Ok(self.select(tenant, table, "AND id = $2", vec![id.into()], "").await?.pop())
    }

    /// Rows of `table` of the tenant: `cond` continues `WHERE tenant_id = $1` with `args` bound
    /// from $2 on; `tail` orders and limits.
    async fn select(&self, tenant: &str, table: Table, cond: &str, args: Vec<Value>, tail: &str) -> Result<Vec<Row>> {
        let cols = columns(table);
        let sql = select_sql(table, cond, tail);
        let rows = bind_all(sqlx::query(&sql).bind(tenant), args).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let mut out = Row::new(table);
                for (c, ty) in cols {
                    out.values.insert((*c).to_owned(), value_of(r, c, *ty)?);
                }
                Ok(out)
            })
            .collect()
    }

    /// A case (`Table::Cases` row).
    pub async fn case_row(&self, tenant: &str, id: &str) -> Result<Option<Row>> {
        self.row(tenant, Table::Cases, id).await
    }

    /// The acts of a case in order (`n`).
    pub async fn case_acts(&self, tenant: &str, case_id: &str) -> Result<Vec<Row>> {
        self.select(tenant, Table::CaseActs, "AND case_id = $2", vec![case_id.into()], "ORDER BY n").await
    }

    /// Cases matching `filter`, most recently updated first, `filter.offset`/`filter.limit` applied.
    pub async fn cases(&self, tenant: &str, filter: &CaseFilter) -> Result<Vec<Row>> {
        let (cond, mut args) = filter.condition();
        let n = args.len() + 2;
        let tail = if filter.limit > 0 {
            args.push(filter.limit.into());
            args.push(filter.offset.max(0).into());
            format!("ORDER BY updated_at DESC, id DESC LIMIT ${n} OFFSET ${}", n + 1)
        } else {
            args.push(filter.offset.max(0).into());
            // LIMIT ALL is PostgreSQL's, LIMIT -1 SQLite's: a bound large enough serves both.
            format!("ORDER BY updated_at DESC, id DESC LIMIT {} OFFSET ${n}", i64::MAX)
        };
        self.select(tenant, Table::Cases, &cond, args, &tail).await
    }

    /// How many cases match `filter` (offset and limit ignored).
    pub async fn count_cases(&self, tenant: &str, filter: &CaseFilter) -> Result<i64> {
        let (cond, args) = filter.condition();
        let sql = format!("SELECT COUNT(*) FROM cases WHERE tenant_id = $1 {cond}");
        Ok(bind_all(sqlx::query(&sql).bind(tenant), args).fetch_one(&self.pool).await?.try_get::<i64, _>(0)?)
    }

    /// The deadlines of a case, soonest first.
    pub async fn case_deadlines(&self, tenant: &str, case_id: &str) -> Result<Vec<Row>> {
        self.select(tenant, Table::CaseDeadlines, "AND case_id = $2", vec![case_id.into()], "ORDER BY due, id").await
    }

    /// Every open deadline of the tenant (status 'open'), soonest first.
    pub async fn open_deadlines(&self, tenant: &str) -> Result<Vec<Row>> {
        self.select(tenant, Table::CaseDeadlines, "AND status = $2", vec!["open".into()], "ORDER BY due, id").await
    }

    /// Document numbers issued for a case, by series and number.
    pub async fn doc_numbers_of_case(&self, tenant: &str, case_id: &str) -> Result<Vec<Row>> {
        self.select(tenant, Table::DocNumbers, "AND case_id = $2", vec![case_id.into()], "ORDER BY series, seq").await
    }

    /// The last number issued in a series (its `doc_sequences.version`); None before the first.
    /// The case a rendered document number belongs to (payment notifications quote the decision's).
    pub async fn case_of_number(&self, tenant: &str, rendered: &str) -> Result<Option<String>> {
        let rows = self.select(tenant, Table::DocNumbers, "AND rendered = $2 AND status = 'issued'", vec![rendered.into()], "ORDER BY id").await?;
        Ok(rows.first().and_then(|r| r.text("case_id").map(str::to_owned)))
    }

    /// A recorded payment reference (unique in the tenant).
    pub async fn payment_ref(&self, tenant: &str, reference: &str) -> Result<Option<Row>> {
        self.row(tenant, Table::PaymentRefs, reference).await
    }

    pub async fn doc_sequence(&self, tenant: &str, series: &str) -> Result<Option<i64>> {
        Ok(self.row(tenant, Table::DocSequences, series).await?.and_then(|r| match r.values.get("version") {
            Some(Value::Int(v)) => Some(*v),
            _ => None,
        }))
    }

    /// A stored idempotency key (id = account id + ':' + the client's key).
    pub async fn idempotency(&self, tenant: &str, id: &str) -> Result<Option<Row>> {
        self.row(tenant, Table::IdempotencyKeys, id).await
    }

    /// Interference records of the given units (None = every unit), newest first.
    pub async fn interference(&self, tenant: &str, unit_ids: Option<&[String]>) -> Result<Vec<Row>> {
        let mut args = Vec::new();
        let cond = unit_ids.map(|u| in_list("unit_id", u, &mut args)).unwrap_or_default();
        self.select(tenant, Table::Interference, &cond, args, "ORDER BY reported_at DESC, id DESC").await
    }

    /// Declared relations (回避), by id.
    pub async fn declared_relations(&self, tenant: &str) -> Result<Vec<Row>> {
        self.table_rows(tenant, Table::DeclaredRelations).await
    }

    /// Legal reviewer appointments, by id.
    pub async fn reviewer_appointments(&self, tenant: &str) -> Result<Vec<Row>> {
        self.table_rows(tenant, Table::ReviewerAppointments).await
    }

    /// Approval chains, by id.
    pub async fn approval_chains(&self, tenant: &str) -> Result<Vec<Row>> {
        self.table_rows(tenant, Table::ApprovalChains).await
    }

    /// Enforcement records of one kind (orders, measures, …), of the given units (None = every
    /// unit), most recently updated first.
    pub async fn enforcement_records(&self, tenant: &str, kind: &str, unit_ids: Option<&[String]>) -> Result<Vec<Row>> {
        let mut args: Vec<Value> = vec![kind.into()];
        let cond = format!(" AND kind = $2{}", unit_ids.map(|u| in_list("unit_id", u, &mut args)).unwrap_or_default());
        self.select(tenant, Table::EnforcementRecords, &cond, args, "ORDER BY updated_at DESC, id DESC").await
    }

    /// Enforcement records linked to a case.
    pub async fn enforcement_of_case(&self, tenant: &str, case_id: &str) -> Result<Vec<Row>> {
        self.select(tenant, Table::EnforcementRecords, "AND case_id = $2", vec![case_id.into()], "ORDER BY created_at, id").await
    }

    /// The off-site capture whose look-up code hashes to `hash`, with its tenant: a look-up by a
    /// globally unique secret (the party's code), so no tenant is named.
    pub async fn enforcement_by_lookup(&self, hash: &str) -> Result<Option<(String, Row)>> {
        let tenant: Option<String> = sqlx::query("SELECT tenant_id FROM enforcement_records WHERE lookup_hash = $1")
            .bind(hash.to_owned())
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get::<String, _>(0))
            .transpose()?;
        let Some(tenant) = tenant else { return Ok(None) };
        Ok(self.select(&tenant, Table::EnforcementRecords, "AND lookup_hash = $2", vec![hash.into()], "").await?.pop().map(|r| (tenant, r)))
    }
}

/// Which cases a list shows. Empty `states` = every state; `unit_ids` None = every unit (Some of
/// an empty list = none); `handler_id` matches one id in `handler_ids`; `overdue_only` keeps cases
/// with an open deadline warned 'overdue'. `limit` <= 0 = no limit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub states: Vec<String>,
    pub unit_ids: Option<Vec<String>>,
    pub handler_id: Option<String>,
    pub cause_code: Option<String>,
    pub overdue_only: bool,
    pub offset: i64,
    pub limit: i64,
}

impl CaseFilter {
    /// The filter as SQL continuing `WHERE tenant_id = $1`, with its arguments ($2 on).
    fn condition(&self) -> (String, Vec<Value>) {
        let mut args = Vec::new();
        let mut cond = String::new();
        if !self.states.is_empty() {
            cond += &in_list("state", &self.states, &mut args);
        }
        if let Some(units) = &self.unit_ids {
            cond += &in_list("unit_id", units, &mut args);
        }
        if let Some(h) = &self.handler_id {
            let like = h.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            args.push(format!("%,{like},%").into());
            cond += &format!(" AND handler_ids LIKE ${} ESCAPE '\\'", args.len() + 1);
        }
        if let Some(c) = &self.cause_code {
            args.push(c.as_str().into());
            cond += &format!(" AND cause_code = ${}", args.len() + 1);
        }
        if self.overdue_only {
            cond += " AND EXISTS (SELECT 1 FROM case_deadlines d WHERE d.tenant_id = cases.tenant_id AND d.case_id = cases.id \
                     AND d.status = 'open' AND d.warning = 'overdue')";
        }
        (cond, args)
    }
}

/// ` AND col IN ($k, …)` over `values` appended to `args` (placeholders after $1, the tenant);
/// an empty list matches nothing.
fn in_list(col: &str, values: &[String], args: &mut Vec<Value>) -> String {
    if values.is_empty() {
        return " AND 1 = 0".into();
    }
    let marks: Vec<String> = values
        .iter()
        .map(|v| {
            args.push(v.as_str().into());
            format!("${}", args.len() + 1)
        })
        .collect();
    format!(" AND {col} IN ({})", marks.join(", "))
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

fn bind_all(mut q: Query<'_>, args: Vec<Value>) -> Query<'_> {
    for a in args {
        q = match a {
            Value::Null => q.bind(Option::<String>::None),
            Value::Int(i) => q.bind(i),
            Value::Text(t) => q.bind(t),
        };
    }
    q
}

/// `SELECT` every column of `table` of the tenant (`$1`); `cond` continues the `WHERE`.
fn select_sql(table: Table, cond: &str, tail: &str) -> String {
    let names: Vec<&str> = columns(table).iter().map(|(c, _)| *c).collect();
    let tcol = if table == Table::Tenants { "id" } else { "tenant_id" };
    format!("SELECT {} FROM {} WHERE {tcol} = $1 {cond} {tail}", names.join(", "), table.name())
}
