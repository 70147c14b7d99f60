//! Typed reads. Every query names its tenant (except look-ups by a globally unique secret).

use crate::schema::columns;
use crate::{value_of, Result, Store, StoreError};
use chengguan_domain::auth::{Grant, Role};
use chengguan_domain::org::{OrgGraph, OrgKind, OrgUnit};
use chengguan_domain::people::{posts_from_text, Certificate, Gender, Person, PersonStatus, Staffing};
use chengguan_domain::{Row, Table};
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

    /// Every row of a domain table for a tenant as generic after-images (tests, replay, export).
    pub async fn table_rows(&self, tenant: &str, table: Table) -> Result<Vec<Row>> {
        let col = if table == Table::Tenants { "id" } else { "tenant_id" };
        let sql = format!("SELECT * FROM {} WHERE {col} = $1 ORDER BY {}", table.name(), table.key().join(", "));
        let rows = sqlx::query(&sql).bind(tenant).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let mut out = Row::new(table);
                for (c, ty) in columns(table) {
                    out.values.insert((*c).to_owned(), value_of(r, c, *ty)?);
                }
                Ok(out)
            })
            .collect()
    }
}
