//! Reviewing flagged check-ins: the queue of an officer's jurisdictions, opening a record (a
//! reason first, written to the audit log before anything is shown), resolving it (sealed), and
//! the CSV export of the queue (audited too).
//!
//! Queue semantics: a check-in is in the queue while [`needs_review`] holds — it carries flags,
//! no `resolved` seal exists, and it is `flagged` or was checked out before anyone reviewed it.
//! A check-in checked out while flagged is resolved as usual; its status stays `checked_out` and
//! the `resolved` seal records the decision.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::app::App;
use crate::audit::{self, AuditDraft, AuditEntry, action};
use crate::domain::{AccessReason, Event, FieldMatch, Flag, FlagReason, Person, PersonCheck, Resolution, needs_review};
use crate::domain::review::{MAX_TEXT_CHARS, MIN_REASON_CHARS};
use crate::seal::payload::SealOutcome;
use crate::store::{CheckinRecord, Property, ResolutionRecord, ReviewQuery, ReviewRow, StoreError, User};

/// Why a review action did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// Not there, or not in the officer's jurisdictions: the same answer.
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    /// The record must be opened (with a reason) first.
    #[error("open the check-in with a reason first")]
    NotOpened,
    /// Resolved already, or it moved on meanwhile.
    #[error("this check-in was resolved already or changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("sealing failed: {0}")]
    Seal(String),
}

/// How old an open flag is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeBucket {
    UnderOneDay,
    OneToThreeDays,
    ThreeToSevenDays,
    OverAWeek,
}

impl AgeBucket {
    pub const ALL: [AgeBucket; 4] = [AgeBucket::UnderOneDay, AgeBucket::OneToThreeDays, AgeBucket::ThreeToSevenDays, AgeBucket::OverAWeek];

    pub fn as_str(self) -> &'static str {
        match self {
            AgeBucket::UnderOneDay => "lt1d",
            AgeBucket::OneToThreeDays => "1-3d",
            AgeBucket::ThreeToSevenDays => "3-7d",
            AgeBucket::OverAWeek => "gt7d",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AgeBucket::UnderOneDay => "under a day",
            AgeBucket::OneToThreeDays => "1 to 3 days",
            AgeBucket::ThreeToSevenDays => "3 to 7 days",
            AgeBucket::OverAWeek => "over a week",
        }
    }

    pub fn parse(s: &str) -> Option<AgeBucket> {
        AgeBucket::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn of(age: Duration) -> AgeBucket {
        match age.num_hours() {
            h if h < 24 => AgeBucket::UnderOneDay,
            h if h < 72 => AgeBucket::OneToThreeDays,
            h if h < 168 => AgeBucket::ThreeToSevenDays,
            _ => AgeBucket::OverAWeek,
        }
    }
}

/// The queue's order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Oldest flag first (the default: nothing waits forever).
    #[default]
    Oldest,
    Newest,
    /// Most severe first, then oldest.
    Severity,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Sort> {
        Some(match s {
            "oldest" => Sort::Oldest,
            "newest" => Sort::Newest,
            "severity" => Sort::Severity,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Oldest => "oldest",
            Sort::Newest => "newest",
            Sort::Severity => "severity",
        }
    }
}

/// The queue's filters. Dates are UTC days of the flag, inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub reason: Option<FlagReason>,
    pub property: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub age: Option<AgeBucket>,
    pub sort: Sort,
}

impl QueueFilter {
    /// Reads the filter from query or form fields (`reason`, `property`, `from`, `to`, `age`,
    /// `sort`); an unknown value is an error naming the field.
    pub fn from_fields(fields: &BTreeMap<String, String>) -> Result<QueueFilter, ReviewError> {
        let get = |k: &str| fields.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
        let bad = |k: &str| ReviewError::Invalid(format!("{k} has an unknown value"));
        let date = |k: &str| get(k).map(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| bad(k))).transpose();
        Ok(QueueFilter {
            reason: get("reason")
                .map(|r| serde_json::from_value(serde_json::Value::String(r.to_owned())).map_err(|_| bad("reason")))
                .transpose()?,
            property: get("property").map(str::to_owned),
            from: date("from")?,
            to: date("to")?,
            age: get("age").map(|a| AgeBucket::parse(a).ok_or_else(|| bad("age"))).transpose()?,
            sort: get("sort").map(|s| Sort::parse(s).ok_or_else(|| bad("sort"))).transpose()?.unwrap_or_default(),
        })
    }

    /// The filter as fields (for links, forms and the audit log).
    pub fn to_fields(&self) -> BTreeMap<&'static str, String> {
        let mut f = BTreeMap::new();
        if let Some(r) = self.reason {
            f.insert("reason", r.as_str().to_owned());
        }
        if let Some(p) = &self.property {
            f.insert("property", p.clone());
        }
        if let Some(d) = self.from {
            f.insert("from", d.to_string());
        }
        if let Some(d) = self.to {
            f.insert("to", d.to_string());
        }
        if let Some(a) = self.age {
            f.insert("age", a.as_str().to_owned());
        }
        if self.sort != Sort::Oldest {
            f.insert("sort", self.sort.as_str().to_owned());
        }
        f
    }

    fn admits(&self, item: &QueueItem) -> bool {
        let day = item.flagged_at.date_naive();
        self.reason.is_none_or(|r| item.reasons.contains(&r))
            && self.property.as_ref().is_none_or(|p| *p == item.row.property_id)
            && self.from.is_none_or(|d| day >= d)
            && self.to.is_none_or(|d| day <= d)
            && self.age.is_none_or(|a| AgeBucket::of(item.age) == a)
    }
}

/// One open flag in the queue.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub row: ReviewRow,
    pub flagged_at: DateTime<Utc>,
    pub age: Duration,
    /// Distinct reasons, most severe first.
    pub reasons: Vec<FlagReason>,
    pub severity: u8,
}

/// The queue as an officer sees it.
#[derive(Debug, Clone)]
pub struct Queue {
    /// Filtered and sorted.
    pub items: Vec<QueueItem>,
    /// Open flags in the officer's jurisdictions, before filtering.
    pub total_open: usize,
    /// Open check-ins per reason, before filtering, most severe first.
    pub by_reason: Vec<(FlagReason, usize)>,
    /// Open check-ins per age bucket, before filtering.
    pub by_age: Vec<(AgeBucket, usize)>,
    /// Properties with open flags (id, name), for the property filter.
    pub properties: Vec<(String, String)>,
}

/// Distinct reasons of some flags, most severe first.
pub fn reasons_of(flags: &[Flag]) -> Vec<FlagReason> {
    let mut reasons: Vec<FlagReason> = Vec::new();
    for f in flags {
        if !reasons.contains(&f.reason) {
            reasons.push(f.reason);
        }
    }
    reasons.sort_by_key(|r| std::cmp::Reverse(r.severity()));
    reasons
}

/// Builds the queue from open rows (pure).
pub fn build_queue(rows: Vec<ReviewRow>, filter: &QueueFilter, now: DateTime<Utc>) -> Queue {
    let all: Vec<QueueItem> = rows
        .into_iter()
        .filter(|r| needs_review(r.status, &r.flags, r.resolved_at.is_some()))
        .map(|row| {
            let flagged_at = row.flagged_at.unwrap_or(row.created_at);
            let reasons = reasons_of(&row.flags);
            let severity = reasons.first().map(|r| r.severity()).unwrap_or(0);
            QueueItem { age: now - flagged_at, flagged_at, reasons, severity, row }
        })
        .collect();
    let mut by_reason: BTreeMap<&'static str, (FlagReason, usize)> = BTreeMap::new();
    let mut by_age: BTreeMap<AgeBucket, usize> = BTreeMap::new();
    let mut properties: BTreeMap<String, String> = BTreeMap::new();
    for item in &all {
        for r in &item.reasons {
            by_reason.entry(r.as_str()).or_insert((*r, 0)).1 += 1;
        }
        *by_age.entry(AgeBucket::of(item.age)).or_default() += 1;
        properties.insert(item.row.property_id.clone(), item.row.property_name.clone());
    }
    let mut by_reason: Vec<(FlagReason, usize)> = by_reason.into_values().collect();
    by_reason.sort_by_key(|(r, _)| (std::cmp::Reverse(r.severity()), r.as_str()));
    let total_open = all.len();
    let mut items: Vec<QueueItem> = all.into_iter().filter(|i| filter.admits(i)).collect();
    match filter.sort {
        Sort::Oldest => items.sort_by(|a, b| (a.flagged_at, &a.row.id).cmp(&(b.flagged_at, &b.row.id))),
        Sort::Newest => items.sort_by(|a, b| (b.flagged_at, &b.row.id).cmp(&(a.flagged_at, &a.row.id))),
        Sort::Severity => items.sort_by(|a, b| (b.severity, a.flagged_at).cmp(&(a.severity, b.flagged_at))),
    }
    let mut properties: Vec<(String, String)> = properties.into_iter().collect();
    properties.sort_by(|a, b| a.1.cmp(&b.1));
    Queue {
        items,
        total_open,
        by_reason,
        by_age: AgeBucket::ALL.iter().map(|a| (*a, by_age.get(a).copied().unwrap_or(0))).collect(),
        properties,
    }
}

impl PartialOrd for AgeBucket {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for AgeBucket {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (*self as u8).cmp(&(*other as u8))
    }
}

/// The open queue of an officer's jurisdictions.
pub async fn queue(app: &App, officer: &User, filter: &QueueFilter) -> Result<Queue, StoreError> {
    let rows = app
        .store
        .review_rows(&ReviewQuery { jurisdictions: officer.jurisdictions.clone(), open_only: true, ..Default::default() })
        .await?;
    Ok(build_queue(rows, filter, app.now()))
}

/// A check-in the officer may see (its jurisdiction is one of theirs), else `NotFound`.
pub async fn visible(app: &App, officer: &User, checkin_id: &str) -> Result<CheckinRecord, ReviewError> {
    match app.store.checkin(checkin_id).await? {
        Some(c) if officer.jurisdictions.contains(&c.jurisdiction) => Ok(c),
        _ => Err(ReviewError::NotFound),
    }
}

fn check_text(text: &str, what: &str, min: usize) -> Result<String, ReviewError> {
    let text = text.trim();
    let n = text.chars().count();
    if n < min {
        return Err(ReviewError::Invalid(if min <= 1 {
            format!("{what} is required")
        } else {
            format!("{what} is required (at least {min} characters)")
        }));
    }
    if n > MAX_TEXT_CHARS {
        return Err(ReviewError::Invalid(format!("{what} is too long (at most {MAX_TEXT_CHARS} characters)")));
    }
    Ok(text.to_owned())
}

/// Opens a check-in: checks access and the reason, writes the audit entry, then grants the
/// officer [`super::ACCESS_GRANT`] to read it. Nothing is shown before the entry is written.
pub async fn open(app: &App, officer: &User, checkin_id: &str, reason: Option<AccessReason>, text: &str) -> Result<AuditEntry, ReviewError> {
    let checkin = visible(app, officer, checkin_id).await?;
    let reason = reason.ok_or_else(|| ReviewError::Invalid("choose a reason for opening this record".into()))?;
    let text = check_text(text, "the reason in your words", MIN_REASON_CHARS)?;
    let entry = audit::record(
        app,
        AuditDraft::new(Some(&officer.id), "police", action::CHECKIN_OPENED)
            .subject(&checkin.id)
            .jurisdiction(&checkin.jurisdiction)
            .reason(reason.as_str(), &text),
    )
    .await?;
    let now = app.now();
    app.store.grant_access(&officer.id, &checkin.id, entry.seq, now, now + super::ACCESS_GRANT).await?;
    Ok(entry)
}

/// One declared field beside the registry's answer.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FieldView {
    /// `family_name`, `given_names`, `birth_date`, `document`.
    pub field: String,
    pub declared: String,
    /// `match`, `probable_match`, `needs_review`, `needs_transliteration`, `no_match`; for
    /// `document`: the document status; `not_found`; absent when the registry did not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// Whether a flag names this field.
    pub flagged: bool,
}

/// One person of an opened check-in.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PersonView {
    pub index: usize,
    pub person: Person,
    pub fields: Vec<FieldView>,
    pub flags: Vec<Flag>,
}

/// One seal and whether it verifies.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SealCheck {
    pub seq: i64,
    pub event: String,
    pub time: DateTime<Utc>,
    /// `verified`, `invalid` or `unchecked` (after an invalid one).
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    pub jws: String,
}

/// An opened check-in, as the officer reads it.
#[derive(Debug, Clone)]
pub struct RecordView {
    pub checkin: CheckinRecord,
    pub property: Property,
    pub persons: Vec<PersonView>,
    pub seals: Vec<SealCheck>,
    pub resolution: Option<ResolutionView>,
    pub needs_review: bool,
}

/// A resolution as the officer reads it (with the note).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ResolutionView {
    pub outcome: Resolution,
    pub note: String,
    pub officer_id: String,
    pub resolved_at: DateTime<Utc>,
}

fn field_match(m: Option<FieldMatch>) -> Option<String> {
    m.and_then(|m| serde_json::to_value(m).ok()).and_then(|v| v.as_str().map(str::to_owned))
}

/// Declared data beside the registry's per-field answer and the flags' field names.
pub fn person_views(persons: Vec<Person>, answers: &[PersonCheck], flags: &[Flag]) -> Vec<PersonView> {
    persons
        .into_iter()
        .enumerate()
        .map(|(index, person)| {
            let answer = answers.get(index);
            let flags: Vec<Flag> = flags.iter().filter(|f| f.person == index).cloned().collect();
            let named = |field: &str| flags.iter().any(|f| f.fields.iter().any(|n| n == field));
            let not_found = answer.is_some_and(|a| !a.found);
            let outcome = |m: Option<FieldMatch>| if not_found { Some("not_found".to_owned()) } else { field_match(m) };
            let family = match &person.second_family_name {
                Some(second) => format!("{} {}", person.family_name, second),
                None => person.family_name.clone(),
            };
            let document_status = if not_found {
                Some("not_found".to_owned())
            } else {
                answer.and_then(|a| a.document_status).and_then(|s| serde_json::to_value(s).ok()).and_then(|v| v.as_str().map(str::to_owned))
            };
            let document_flagged = flags.iter().any(|f| {
                matches!(
                    f.reason,
                    FlagReason::NotFound | FlagReason::DocumentInvalid | FlagReason::DocumentExpired | FlagReason::DocumentLostOrStolen | FlagReason::HolderDeceased
                )
            });
            let fields = vec![
                FieldView { field: "family_name".into(), declared: family, registry: outcome(answer.and_then(|a| a.family_name)), flagged: named("family_name") },
                FieldView {
                    field: "given_names".into(),
                    declared: person.given_names.clone(),
                    registry: outcome(answer.and_then(|a| a.given_names)),
                    flagged: named("given_names"),
                },
                FieldView {
                    field: "birth_date".into(),
                    declared: person.birth_date.to_string(),
                    registry: outcome(answer.and_then(|a| a.birth_date)),
                    flagged: named("birth_date"),
                },
                FieldView {
                    field: "document".into(),
                    declared: format!("{} {} ({})", person.document.kind.as_str().replace('_', " "), person.document.number, person.document.issuing_country),
                    registry: document_status,
                    flagged: document_flagged || named("document_status"),
                },
            ];
            PersonView { index, person, fields, flags }
        })
        .collect()
}

/// Verifies a check-in's seals with the key ring: each seal up to the first that fails.
pub fn check_seals(app: &App, checkin_id: &str, seals: Vec<crate::store::SealRecord>) -> Vec<SealCheck> {
    use crate::seal::receipt::{Receipt, ReceiptSeal, verify};
    let keys = crate::seal::keyring::parse_jwks(&app.keys.jwks());
    let receipt = Receipt {
        checkin_id: checkin_id.to_owned(),
        seals: seals.iter().map(|s| ReceiptSeal { jws: s.jws.clone(), log: None }).collect(),
        checkpoint: None,
    };
    let failed: Option<(usize, String)> = match verify(&receipt, &keys) {
        Ok(_) => None,
        Err(e) => {
            Some((e.seal_index().unwrap_or(0), e.to_string()))
        }
    };
    seals
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let (state, problem) = match &failed {
                Some((at, why)) if i == *at => ("invalid", Some(why.clone())),
                Some((at, _)) if i > *at => ("unchecked", None),
                _ => ("verified", None),
            };
            SealCheck { seq: s.seq, event: s.event.as_str().to_owned(), time: s.created_at, state: state.into(), problem, jws: s.jws }
        })
        .collect()
}

/// The outcome sealed in a check-in's `resolved` seal, if any: what the landlord and the tenant
/// see of a review (never the note).
pub fn sealed_resolution(seals: &[crate::store::SealRecord]) -> Option<Resolution> {
    let seal = seals.iter().find(|s| s.event == Event::Resolved)?;
    let parsed = crate::seal::jws::parse(&seal.jws).ok()?;
    let payload: crate::seal::payload::SealPayload = serde_json::from_slice(&parsed.payload).ok()?;
    Resolution::parse(payload.outcome?.resolution.as_deref()?)
}

fn note_place(checkin_id: &str) -> String {
    format!("police_resolutions.note:{checkin_id}")
}

/// An opened check-in; `NotOpened` unless the officer opened it (with a reason) within
/// [`super::ACCESS_GRANT`].
pub async fn record(app: &App, officer: &User, checkin_id: &str) -> Result<RecordView, ReviewError> {
    let checkin = visible(app, officer, checkin_id).await?;
    if !app.store.access_granted(&officer.id, &checkin.id, app.now()).await? {
        return Err(ReviewError::NotOpened);
    }
    let property = app.store.property(&checkin.property_id).await?.ok_or(ReviewError::NotFound)?;
    let persons = app.store.persons(&checkin.id).await?;
    let answers = app.store.registry_answers(&checkin.id).await?;
    let seals = app.store.seals(&checkin.id).await?;
    let resolved = seals.iter().any(|s| s.event == Event::Resolved);
    let resolution = match app.store.resolution(&checkin.id).await? {
        Some(r) => Some(ResolutionView {
            outcome: Resolution::parse(&r.outcome).ok_or_else(|| StoreError::Corrupt("resolution outcome".into()))?,
            // An empty note was erased with the check-in's personal data.
            note: if r.note.is_empty() {
                "(erased with the check-in's personal data)".to_owned()
            } else {
                String::from_utf8(app.vault.open(&note_place(&checkin.id), &r.note).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                    .map_err(|_| StoreError::Corrupt("resolution note".into()))?
            },
            officer_id: r.officer_id,
            resolved_at: r.resolved_at,
        }),
        None => None,
    };
    Ok(RecordView {
        needs_review: needs_review(checkin.status, &checkin.flags, resolved),
        persons: person_views(persons, &answers, &checkin.flags),
        seals: check_seals(app, &checkin.id, seals),
        resolution,
        property,
        checkin,
    })
}

/// Resolves an opened check-in: seals `resolved` with the outcome (the note stays out of the
/// seal: it is stored sealed with the workspace key), audits it, then hands it to
/// [`after_resolution`].
pub async fn resolve(app: &App, officer: &User, checkin_id: &str, outcome: Option<Resolution>, note: &str) -> Result<(), ReviewError> {
    let checkin = visible(app, officer, checkin_id).await?;
    let outcome = outcome.ok_or_else(|| ReviewError::Invalid("choose an outcome: cleared, confirmed or needs follow-up".into()))?;
    let note = check_text(note, "a note", 1)?;
    if !app.store.access_granted(&officer.id, &checkin.id, app.now()).await? {
        return Err(ReviewError::NotOpened);
    }
    let seals = app.store.seals(&checkin.id).await?;
    if !needs_review(checkin.status, &checkin.flags, seals.iter().any(|s| s.event == Event::Resolved)) {
        return Err(ReviewError::Conflict);
    }
    let seal_outcome = SealOutcome { flags: vec![], resolution: Some(outcome.as_str().to_owned()) };
    let write = app.prepare_event(&checkin, Event::Resolved, Some(seal_outcome), None).await.map_err(|e| match e {
        crate::app::SubmitError::Store(e) => ReviewError::Store(e),
        crate::app::SubmitError::Invalid(_) => ReviewError::Conflict,
        crate::app::SubmitError::Seal(e) => ReviewError::Seal(e.to_string()),
    })?;
    let now = write.seal.created_at;
    let record = ResolutionRecord {
        checkin_id: checkin.id.clone(),
        outcome: outcome.as_str().to_owned(),
        note: app.vault.seal(&note_place(&checkin.id), note.as_bytes()),
        officer_id: officer.id.clone(),
        resolved_at: now,
    };
    if !app.store.resolve_checkin(&write, &record).await? {
        return Err(ReviewError::Conflict);
    }
    metrics::counter!("hospes_seals_total", "event" => Event::Resolved.as_str()).increment(1);
    audit::record(
        app,
        AuditDraft::new(Some(&officer.id), "police", action::CHECKIN_RESOLVED)
            .subject(&checkin.id)
            .jurisdiction(&checkin.jurisdiction)
            .detail(serde_json::json!({"outcome": outcome.as_str(), "seal_seq": write.seal.seq})),
    )
    .await?;
    after_resolution(app, &checkin, outcome).await;
    Ok(())
}

/// Called once a resolution is sealed and stored: the seam for what follows a resolution (the
/// partner webhooks of a later issue enqueue their delivery here). Today it counts and logs.
pub async fn after_resolution(app: &App, checkin: &CheckinRecord, outcome: Resolution) {
    let _ = app;
    metrics::counter!("hospes_resolutions_total", "outcome" => outcome.as_str()).increment(1);
    tracing::info!(checkin.id = %checkin.id, outcome = outcome.as_str(), "check-in resolved");
}

/// Exports the filtered queue as CSV (RFC 4180), after auditing the export with its reason and
/// filter. Holds no personal data: ids, property names, times, reasons.
pub async fn export_csv(
    app: &App,
    officer: &User,
    filter: &QueueFilter,
    reason: Option<AccessReason>,
    text: &str,
) -> Result<String, ReviewError> {
    let reason = reason.ok_or_else(|| ReviewError::Invalid("choose a reason for the export".into()))?;
    let text = check_text(text, "the reason in your words", MIN_REASON_CHARS)?;
    let queue = queue(app, officer, filter).await?;
    audit::record(
        app,
        AuditDraft::new(Some(&officer.id), "police", action::QUEUE_EXPORTED)
            .reason(reason.as_str(), &text)
            .detail(serde_json::json!({"filter": filter.to_fields(), "rows": queue.items.len(), "jurisdictions": officer.jurisdictions})),
    )
    .await?;
    Ok(queue_csv(&queue.items))
}

/// The queue as CSV.
pub fn queue_csv(items: &[QueueItem]) -> String {
    let mut out = String::from("checkin_id,jurisdiction,property_id,property,status,flagged_at,age_hours,severity,reasons,persons\r\n");
    for i in items {
        let reasons: Vec<&str> = i.reasons.iter().map(|r| r.as_str()).collect();
        let cells = [
            i.row.id.clone(),
            i.row.jurisdiction.clone(),
            i.row.property_id.clone(),
            i.row.property_name.clone(),
            i.row.status.as_str().to_owned(),
            i.flagged_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            i.age.num_hours().to_string(),
            i.severity.to_string(),
            reasons.join(" "),
            i.row.person_count.to_string(),
        ];
        out.push_str(&cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// A CSV cell: quoted when needed, and a leading `=`, `+`, `-`, `@` neutralised so that a
/// spreadsheet never runs it as a formula (OWASP CSV injection).
pub fn csv_cell(value: &str) -> String {
    let mut v = value.to_owned();
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.insert(0, '\'');
    }
    if v.contains([',', '"', '\n', '\r']) || v != value {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CheckinStatus;

    fn row(id: &str, hours_ago: i64, reason: FlagReason, status: CheckinStatus, now: DateTime<Utc>) -> ReviewRow {
        ReviewRow {
            id: id.into(),
            property_id: format!("p-{id}"),
            property_name: format!("Flat {id}"),
            jurisdiction: "ES-M".into(),
            status,
            flags: vec![Flag { person: 0, reason, fields: vec![] }],
            person_count: 1,
            created_at: now - Duration::hours(hours_ago + 1),
            flagged_at: Some(now - Duration::hours(hours_ago)),
            resolved_at: None,
            resolution: None,
        }
    }

    #[test]
    fn the_queue_is_oldest_first_filters_and_counts() {
        let now = Utc::now();
        let rows = vec![
            row("a", 2, FlagReason::IdentityMismatch, CheckinStatus::Flagged, now),
            row("b", 100, FlagReason::RegistryUnavailable, CheckinStatus::CheckedOut, now),
            row("c", 30, FlagReason::DocumentLostOrStolen, CheckinStatus::Flagged, now),
            row("d", 5, FlagReason::IdentityMismatch, CheckinStatus::Resolved, now),
        ];
        let q = build_queue(rows.clone(), &QueueFilter::default(), now);
        assert_eq!(q.items.iter().map(|i| i.row.id.as_str()).collect::<Vec<_>>(), ["b", "c", "a"]);
        assert_eq!(q.total_open, 3);
        assert_eq!(q.by_reason[0], (FlagReason::DocumentLostOrStolen, 1));
        let by_severity = build_queue(rows.clone(), &QueueFilter { sort: Sort::Severity, ..Default::default() }, now);
        assert_eq!(by_severity.items[0].row.id, "c");
        let stolen = build_queue(rows.clone(), &QueueFilter { reason: Some(FlagReason::DocumentLostOrStolen), ..Default::default() }, now);
        assert_eq!(stolen.items.len(), 1);
        let young = build_queue(rows, &QueueFilter { age: Some(AgeBucket::UnderOneDay), ..Default::default() }, now);
        assert_eq!(young.items.iter().map(|i| i.row.id.as_str()).collect::<Vec<_>>(), ["a"]);
    }

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
    }

    #[test]
    fn a_filter_reads_its_fields_and_refuses_unknown_values() {
        let fields: BTreeMap<String, String> =
            [("reason", "not_found"), ("age", "1-3d"), ("from", "2026-12-01"), ("sort", "severity")].map(|(k, v)| (k.to_owned(), v.to_owned())).into();
        let f = QueueFilter::from_fields(&fields).unwrap();
        assert_eq!(f.reason, Some(FlagReason::NotFound));
        assert_eq!(f.sort, Sort::Severity);
        assert_eq!(QueueFilter::from_fields(&f.to_fields().into_iter().map(|(k, v)| (k.to_owned(), v)).collect()).unwrap(), f);
        let bad: BTreeMap<String, String> = [("reason".to_owned(), "nope".to_owned())].into();
        assert!(QueueFilter::from_fields(&bad).is_err());
    }
}
