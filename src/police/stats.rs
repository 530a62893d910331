//! The dashboard's figures, computed from review rows (no personal data): check-ins and flags
//! per day, flags by reason, time from flag to resolution, the oldest open flag, and a daily and
//! weekly summary. Pure code: time is passed in. Days are UTC days.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::review::reasons_of;
use crate::domain::{FlagReason, Resolution, needs_review};
use crate::store::ReviewRow;

/// Highest severity of [`FlagReason::severity`].
pub const MAX_SEVERITY: u8 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayStat {
    pub date: NaiveDate,
    pub checkins: usize,
    /// Check-ins flagged that day, by their most severe reason's severity (index 1..=5).
    pub flags_by_severity: [usize; MAX_SEVERITY as usize + 1],
}

impl DayStat {
    pub fn flags(&self) -> usize {
        self.flags_by_severity.iter().sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonStat {
    pub reason: FlagReason,
    /// Check-ins flagged with this reason in the window.
    pub total: usize,
    /// Of all check-ins with this reason, those still awaiting review.
    pub open: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub checkins: usize,
    pub flagged: usize,
    pub resolved: usize,
    pub cleared: usize,
    pub confirmed: usize,
    pub needs_follow_up: usize,
    pub median_resolution: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OldestOpen {
    pub checkin_id: String,
    pub flagged_at: DateTime<Utc>,
    pub age: Duration,
    pub reasons: Vec<FlagReason>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub days: Vec<DayStat>,
    pub by_reason: Vec<ReasonStat>,
    /// Resolutions in the window by time from flag to resolution.
    pub resolution_times: Vec<(&'static str, usize)>,
    pub median_resolution: Option<Duration>,
    pub open_now: usize,
    pub oldest_open: Option<OldestOpen>,
    pub today: Summary,
    pub week: Summary,
}

/// Buckets of the time from flag to resolution.
pub const RESOLUTION_BUCKETS: [(&str, i64); 6] =
    [("< 1 h", 1), ("1–4 h", 4), ("4–24 h", 24), ("1–3 d", 72), ("3–7 d", 168), ("> 7 d", i64::MAX)];

fn severity(row: &ReviewRow) -> u8 {
    reasons_of(&row.flags).first().map(|r| r.severity()).unwrap_or(1).clamp(1, MAX_SEVERITY)
}

fn median(mut values: Vec<Duration>) -> Option<Duration> {
    if values.is_empty() {
        return None;
    }
    values.sort();
    Some(values[values.len() / 2])
}

fn resolution_time(row: &ReviewRow) -> Option<Duration> {
    Some(row.resolved_at? - row.flagged_at?)
}

fn summary(window: &[ReviewRow], since: DateTime<Utc>) -> Summary {
    let mut s = Summary::default();
    let mut times = Vec::new();
    for r in window {
        if r.created_at >= since {
            s.checkins += 1;
        }
        if r.flagged_at.is_some_and(|t| t >= since) {
            s.flagged += 1;
        }
        if r.resolved_at.is_some_and(|t| t >= since) {
            s.resolved += 1;
            match r.resolution.as_deref().and_then(Resolution::parse) {
                Some(Resolution::Cleared) => s.cleared += 1,
                Some(Resolution::Confirmed) => s.confirmed += 1,
                Some(Resolution::NeedsFollowUp) => s.needs_follow_up += 1,
                None => {}
            }
            times.extend(resolution_time(r));
        }
    }
    s.median_resolution = median(times);
    s
}

/// The dashboard over the last `days` days (including today). `window`: every check-in created
/// in that period; `open`: every check-in awaiting review, however old.
pub fn dashboard(window: &[ReviewRow], open: &[ReviewRow], now: DateTime<Utc>, days: u32) -> Dashboard {
    let today = now.date_naive();
    let first = today - Duration::days(i64::from(days.max(1)) - 1);
    let mut stats: Vec<DayStat> = (0..days.max(1))
        .map(|i| DayStat { date: first + Duration::days(i64::from(i)), checkins: 0, flags_by_severity: [0; MAX_SEVERITY as usize + 1] })
        .collect();
    let index = |t: DateTime<Utc>| {
        let d = t.date_naive();
        (d >= first && d <= today).then(|| (d - first).num_days() as usize)
    };
    let mut reasons: Vec<ReasonStat> = Vec::new();
    let mut times = Vec::new();
    for r in window {
        if let Some(i) = index(r.created_at) {
            stats[i].checkins += 1;
        }
        if let Some(i) = r.flagged_at.and_then(index) {
            stats[i].flags_by_severity[severity(r) as usize] += 1;
        }
        if r.flagged_at.is_some() {
            for reason in reasons_of(&r.flags) {
                match reasons.iter_mut().find(|s| s.reason == reason) {
                    Some(s) => s.total += 1,
                    None => reasons.push(ReasonStat { reason, total: 1, open: 0 }),
                }
            }
        }
        times.extend(resolution_time(r));
    }
    let open: Vec<&ReviewRow> = open.iter().filter(|r| needs_review(r.status, &r.flags, r.resolved_at.is_some())).collect();
    for r in &open {
        for reason in reasons_of(&r.flags) {
            match reasons.iter_mut().find(|s| s.reason == reason) {
                Some(s) => s.open += 1,
                None => reasons.push(ReasonStat { reason, total: 0, open: 1 }),
            }
        }
    }
    reasons.sort_by_key(|s| (std::cmp::Reverse(s.reason.severity()), std::cmp::Reverse(s.total), s.reason.as_str()));
    let mut buckets: Vec<(&'static str, usize)> = RESOLUTION_BUCKETS.iter().map(|(l, _)| (*l, 0)).collect();
    for t in &times {
        let i = RESOLUTION_BUCKETS.iter().position(|(_, h)| t.num_minutes() < h.saturating_mul(60)).unwrap_or(RESOLUTION_BUCKETS.len() - 1);
        buckets[i].1 += 1;
    }
    let oldest_open = open
        .iter()
        .map(|r| (r.flagged_at.unwrap_or(r.created_at), *r))
        .min_by_key(|(t, r)| (*t, r.id.clone()))
        .map(|(t, r)| OldestOpen { checkin_id: r.id.clone(), flagged_at: t, age: now - t, reasons: reasons_of(&r.flags) });
    let midnight = today.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc();
    Dashboard {
        days: stats,
        by_reason: reasons,
        resolution_times: buckets,
        median_resolution: median(times),
        open_now: open.len(),
        oldest_open,
        today: summary(window, midnight),
        week: summary(window, midnight - Duration::days(6)),
    }
}

/// "3 d 4 h", "2 h 5 min", "12 min".
pub fn human_duration(d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {mins} min")
    } else {
        format!("{mins} min")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CheckinStatus, Flag};

    fn row(id: &str, created_h: i64, flag: Option<(i64, FlagReason)>, resolved_h: Option<(i64, &str)>, now: DateTime<Utc>) -> ReviewRow {
        ReviewRow {
            id: id.into(),
            property_id: "p".into(),
            property_name: "P".into(),
            jurisdiction: "ES-M".into(),
            status: match (flag, resolved_h) {
                (None, _) => CheckinStatus::Verified,
                (Some(_), None) => CheckinStatus::Flagged,
                (Some(_), Some(_)) => CheckinStatus::Resolved,
            },
            flags: flag.map(|(_, reason)| vec![Flag { person: 0, reason, fields: vec![] }]).unwrap_or_default(),
            person_count: 1,
            created_at: now - Duration::hours(created_h),
            flagged_at: flag.map(|(h, _)| now - Duration::hours(h)),
            resolved_at: resolved_h.map(|(h, _)| now - Duration::hours(h)),
            resolution: resolved_h.map(|(_, o)| o.to_owned()),
        }
    }

    #[test]
    fn the_dashboard_counts_days_reasons_and_resolution_times() {
        let now = DateTime::parse_from_rfc3339("2026-12-10T12:00:00Z").unwrap().to_utc();
        let rows = vec![
            row("a", 1, None, None, now),
            row("b", 2, Some((2, FlagReason::DocumentLostOrStolen)), None, now),
            row("c", 50, Some((50, FlagReason::IdentityMismatch)), Some((48, "cleared")), now),
            row("d", 30, Some((30, FlagReason::IdentityMismatch)), None, now),
        ];
        let open: Vec<ReviewRow> = rows.iter().filter(|r| r.status == CheckinStatus::Flagged).cloned().collect();
        let d = dashboard(&rows, &open, now, 7);
        assert_eq!(d.days.len(), 7);
        let today = d.days.last().unwrap();
        assert_eq!((today.checkins, today.flags_by_severity[5]), (2, 1));
        assert_eq!(d.by_reason[0], ReasonStat { reason: FlagReason::DocumentLostOrStolen, total: 1, open: 1 });
        assert_eq!(d.by_reason[1], ReasonStat { reason: FlagReason::IdentityMismatch, total: 2, open: 1 });
        assert_eq!(d.resolution_times[1], ("1–4 h", 1));
        assert_eq!(d.oldest_open.as_ref().unwrap().checkin_id, "d");
        assert_eq!(d.open_now, 2);
        assert_eq!((d.today.checkins, d.week.checkins, d.week.resolved, d.week.cleared), (2, 4, 1, 1));
        assert_eq!(human_duration(Duration::minutes(3 * 1440 + 65)), "3 d 1 h");
    }
}
