//! 非现场执法 (APL art. 41): devices registered with their legal and technical review and a
//! published location; captures enter as leads, become evidence only after a reviewer checks the
//! record; the party looks the record up online with a code and submits a statement.

use super::*;

pub const APL_41_1: &str = "《行政处罚法》第四十一条第一款：利用电子技术监控设备收集、固定违法事实的，应当经过法制和技术审核，确保电子技术监控设备符合标准、设置合理、标志明显，设置地点应当向社会公布";
pub const APL_41_2: &str = "《行政处罚法》第四十一条第二款：行政机关应当审核记录内容是否符合要求；未经审核或者经审核不符合要求的，不得作为行政处罚的证据";
pub const APL_41_3: &str = "《行政处罚法》第四十一条第三款：行政机关应当及时告知当事人违法事实，并采取信息化手段或者其他措施，为当事人查询、陈述和申辩提供便利";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub by: String,
    pub on: NaiveDate,
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    #[serde(flatten)]
    pub head: Head,
    pub code: String,
    /// camera | sensor
    pub device_kind: String,
    pub location: String,
    pub legal_review: Review,
    pub technical_review: Review,
    pub location_published_on: NaiveDate,
    pub published_where: String,
    pub active: bool,
}

impl Record for Device {
    const KIND: &'static str = "offsite_device";
    fn head(&self) -> &Head {
        &self.head
    }
    fn head_mut(&mut self) -> &mut Head {
        &mut self.head
    }
    fn state_code(&self) -> &'static str {
        if self.active {
            "active"
        } else {
            "retired"
        }
    }
    fn due(&self) -> Option<String> {
        None
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterDevice {
    pub unit_id: String,
    pub code: String,
    pub device_kind: String,
    pub location: String,
    pub legal_review: Option<Review>,
    pub technical_review: Option<Review>,
    pub location_published_on: Option<NaiveDate>,
    #[serde(default)]
    pub published_where: String,
}

/// Registers a device: both reviews and the published location are required (APL art. 41 para. 1).
pub fn register_device(id: &str, input: RegisterDevice, actor: &Actor, _env: &Env, now: NaiveDateTime) -> Result<Device, Refusal> {
    require_text("code", &input.code)?;
    require_text("location", &input.location)?;
    if !matches!(input.device_kind.as_str(), "camera" | "sensor") {
        return Err(bad("input.invalid", "设备类型应为 camera 或 sensor", "device_kind is camera or sensor"));
    }
    let ok = |r: &Option<Review>| r.as_ref().is_some_and(|r| !r.by.trim().is_empty() && !r.reference.trim().is_empty() && r.on <= now.date());
    if !ok(&input.legal_review) || !ok(&input.technical_review) {
        return Err(refuse(
            "enforcement.device.not_reviewed",
            "电子技术监控设备应当经过法制和技术审核",
            "the device needs its legal and technical review",
            APL_41_1,
        ));
    }
    let published = input.location_published_on.filter(|d| *d <= now.date() && !input.published_where.trim().is_empty());
    let Some(published) = published else {
        return Err(refuse(
            "enforcement.device.location_unpublished",
            "电子技术监控设备的设置地点应当向社会公布",
            "the device's location must be published",
            APL_41_1,
        ));
    };
    let mut d = Device {
        head: Head::new(id, &input.unit_id, None, None, Party::default(), now),
        code: input.code,
        device_kind: input.device_kind,
        location: input.location,
        legal_review: input.legal_review.expect("checked"),
        technical_review: input.technical_review.expect("checked"),
        location_published_on: published,
        published_where: input.published_where,
        active: true,
    };
    d.head.act("register", actor, now, d.code.clone());
    Ok(d)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureState {
    /// Recorded, not yet checked: not evidence.
    PendingReview,
    /// Checked and found true, clear, complete and accurate: may be used.
    Accepted,
    /// Checked and found wanting: never evidence.
    Rejected,
}

impl CaptureState {
    pub fn code(self) -> &'static str {
        match self {
            CaptureState::PendingReview => "pending_review",
            CaptureState::Accepted => "accepted",
            CaptureState::Rejected => "rejected",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            CaptureState::PendingReview => "待审核（不得作为证据）",
            CaptureState::Accepted => "审核通过",
            CaptureState::Rejected => "审核不通过（不得作为证据）",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub at: NaiveDateTime,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureReview {
    pub by_account: String,
    pub at: NaiveDateTime,
    pub accepted: bool,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capture {
    #[serde(flatten)]
    pub head: Head,
    pub device_id: String,
    pub device_code: String,
    pub location: String,
    pub captured_at: NaiveDateTime,
    pub description: String,
    #[serde(default)]
    pub item_code: Option<String>,
    /// e.g. a plate number: how the party is found.
    #[serde(default)]
    pub subject_ref: String,
    /// SHA-256 of the files (photos, video) in the evidence store.
    pub files: Vec<String>,
    pub state: CaptureState,
    #[serde(default)]
    pub review: Option<CaptureReview>,
    /// SHA-256 of the party's look-up code (the code itself is shown once, to be sent to the party).
    pub lookup_hash: String,
    #[serde(default)]
    pub statements: Vec<Statement>,
    /// Cases it was used in as evidence.
    #[serde(default)]
    pub used_in: Vec<String>,
}

impl Record for Capture {
    const KIND: &'static str = "offsite_capture";
    fn head(&self) -> &Head {
        &self.head
    }
    fn head_mut(&mut self) -> &mut Head {
        &mut self.head
    }
    fn state_code(&self) -> &'static str {
        self.state.code()
    }
    fn due(&self) -> Option<String> {
        None
    }
    fn lookup_hash(&self) -> Option<String> {
        Some(self.lookup_hash.clone())
    }
}

/// SHA-256 (hex) of a look-up code, as stored.
pub fn code_hash(code: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(format!("cg-offsite:{}", code.trim().to_ascii_uppercase()).as_bytes()))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordCapture {
    pub device_id: String,
    pub captured_at: NaiveDateTime,
    pub description: String,
    #[serde(default)]
    pub item_code: Option<String>,
    #[serde(default)]
    pub subject_ref: String,
    #[serde(default)]
    pub party: Party,
    pub files: Vec<String>,
}

/// A capture from a registered, active device enters as a lead pending review. `code` is the
/// party's look-up code (generated by the caller).
pub fn record_capture(id: &str, input: RecordCapture, device: &Device, code: &str, actor: &Actor, _env: &Env, now: NaiveDateTime) -> Result<Capture, Refusal> {
    if !device.active {
        return Err(refuse("enforcement.device.inactive", "该设备未登记或已停用，其记录不得使用", "the device is not registered or retired", APL_41_1));
    }
    require_text("description", &input.description)?;
    if input.files.is_empty() {
        return Err(bad("input.missing", "缺少记录文件（照片或视频）", "the record's files are required"));
    }
    if input.captured_at > now {
        return Err(bad("input.invalid", "记录时间晚于当前时间", "captured_at is in the future"));
    }
    let mut c = Capture {
        head: Head::new(id, &device.head.unit_id, None, None, input.party, now),
        device_id: device.head.id.clone(),
        device_code: device.code.clone(),
        location: device.location.clone(),
        captured_at: input.captured_at,
        description: input.description,
        item_code: input.item_code,
        subject_ref: input.subject_ref,
        files: input.files,
        state: CaptureState::PendingReview,
        review: None,
        lookup_hash: code_hash(code),
        statements: Vec::new(),
        used_in: Vec::new(),
    };
    c.head.act("capture", actor, now, c.device_code.clone());
    Ok(c)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewCapture {
    /// The record is true, clear, complete and accurate.
    pub accepted: bool,
    pub note: String,
}

/// The reviewer's check of the record (APL art. 41 para. 2). The account that recorded the
/// capture does not review it.
pub fn review(c: &Capture, input: ReviewCapture, actor: &Actor, _env: &Env, now: NaiveDateTime) -> Result<Capture, Refusal> {
    if c.state != CaptureState::PendingReview {
        return Err(bad("enforcement.capture.reviewed", "该记录已审核", "the record has been reviewed"));
    }
    require_text("note", &input.note)?;
    if c.head.acts.first().is_some_and(|a| a.actor_account == actor.account_id) {
        return Err(refuse(
            "enforcement.capture.self_review",
            "录入记录的人员不得审核本记录",
            "the account that recorded the capture may not review it",
            APL_41_2,
        ));
    }
    let mut n = c.clone();
    n.state = if input.accepted { CaptureState::Accepted } else { CaptureState::Rejected };
    n.review = Some(CaptureReview { by_account: actor.account_id.clone(), at: now, accepted: input.accepted, note: input.note.clone() });
    n.head.act("review", actor, now, input.note);
    Ok(n)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UseCapture {
    /// The case it is evidence in (a registered lead or a filed case).
    #[serde(default)]
    pub case_id: String,
    /// No case yet: ask the caller to register a new lead for it first (the normal procedure
    /// follows from there).
    #[serde(default)]
    pub open_case: bool,
}

/// Uses the record as evidence in a case: only once reviewed and accepted (APL art. 41 para. 2).
pub fn use_in_case(c: &Capture, input: UseCapture, actor: &Actor, _env: &Env, now: NaiveDateTime) -> Result<Capture, Refusal> {
    if c.state != CaptureState::Accepted {
        return Err(refuse(
            "enforcement.capture.not_reviewed",
            format!("非现场执法记录{}，不得作为行政处罚的证据", c.state.zh()),
            "the off-site record has not passed review: it cannot be used as evidence",
            APL_41_2,
        ));
    }
    require_text("case_id", &input.case_id)?;
    let mut n = c.clone();
    if !n.used_in.contains(&input.case_id) {
        n.used_in.push(input.case_id.clone());
    }
    if n.head.case_id.is_none() {
        n.head.case_id = Some(input.case_id.clone());
    }
    n.head.act("use", actor, now, input.case_id);
    Ok(n)
}

/// The party's statement and defence, submitted online with the look-up code (APL art. 41 para. 3).
pub fn statement(c: &Capture, text: &str, now: NaiveDateTime) -> Result<Capture, Refusal> {
    require_text("text", text)?;
    if text.chars().count() > 5000 {
        return Err(bad("input.too_long", "陈述不得超过5000字", "the statement is limited to 5000 characters"));
    }
    let mut n = c.clone();
    n.statements.push(Statement { at: now, text: text.to_owned() });
    let party = Actor { account_id: "party".into(), person_id: None, approver: false };
    n.head.act("statement", &party, now, "当事人在线陈述申辩");
    Ok(n)
}
