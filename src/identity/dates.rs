//! Dates of people and stays: ISO 8601 calendar dates, ages in completed years, stays counted in
//! nights, and local wall times resolved in the property's IANA time zone (tz database via
//! `chrono-tz`).
//!
//! Rules: a birth date must not be after the reference date and the age must not exceed
//! [`MAX_AGE`]; age is the number of completed years, a 29 February birthday being reached on
//! 1 March in common years; a minor is under [`ADULT_AGE`]. A stay is counted in calendar
//! nights (independent of DST); check-out on the check-in date is `zero_nights`, before it
//! `checkout_before_checkin`. A local wall time that falls in a DST gap is
//! `nonexistent_local_time`, one that occurs twice is `ambiguous_local_time` — never guessed.
//! Pure code: the reference date is passed in.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Ages above this are implausible.
pub const MAX_AGE: i32 = 120;
/// The age of majority used for minors at check-in.
pub const ADULT_AGE: i32 = 18;

/// A date rule that failed; `code()` is the stable machine name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DateError {
    InvalidDate,
    CheckoutBeforeCheckin,
    ZeroNights,
    NonexistentLocalTime,
    AmbiguousLocalTime,
    BirthInFuture,
    ImplausibleAge,
    UnknownTimeZone,
}

impl DateError {
    pub fn code(self) -> &'static str {
        match self {
            DateError::InvalidDate => "invalid_date",
            DateError::CheckoutBeforeCheckin => "checkout_before_checkin",
            DateError::ZeroNights => "zero_nights",
            DateError::NonexistentLocalTime => "nonexistent_local_time",
            DateError::AmbiguousLocalTime => "ambiguous_local_time",
            DateError::BirthInFuture => "birth_in_future",
            DateError::ImplausibleAge => "implausible_age",
            DateError::UnknownTimeZone => "unknown_time_zone",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            DateError::InvalidDate => "This date does not exist. Use a date like 1990-05-31.",
            DateError::CheckoutBeforeCheckin => "Check-out must be after check-in.",
            DateError::ZeroNights => "Check-out must be at least one night after check-in.",
            DateError::NonexistentLocalTime => {
                "This time does not exist on that day at the property (the clocks change). Choose another time."
            }
            DateError::AmbiguousLocalTime => {
                "This time occurs twice on that day at the property (the clocks change). Give the UTC offset."
            }
            DateError::BirthInFuture => "The birth date is in the future.",
            DateError::ImplausibleAge => "The birth date is more than 120 years ago. Check the year.",
            DateError::UnknownTimeZone => "The time zone is not known.",
        }
    }
}

/// Parses a strict ISO 8601 calendar date `YYYY-MM-DD` (four-digit year, no sign, no time).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    NaiveDate::from_ymd_opt(s[..4].parse().ok()?, s[5..7].parse().ok()?, s[8..].parse().ok()?)
}

/// Completed years from `birth` to `on` (negative if `on` is before `birth`). A 29 February
/// birthday is reached on 1 March in common years.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) { years - 1 } else { years }
}

/// What a plausible birth date says on the reference date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BirthFacts {
    pub age: u32,
    pub is_minor: bool,
    /// Spain: guests under 14 have their data given by the accompanying adult.
    pub under_14: bool,
}

/// A birth date must not be after `as_of` and the age on `as_of` must not exceed [`MAX_AGE`].
pub fn check_birth_date(birth: NaiveDate, as_of: NaiveDate) -> Result<BirthFacts, DateError> {
    if birth > as_of {
        return Err(DateError::BirthInFuture);
    }
    let age = age_on(birth, as_of);
    if age > MAX_AGE {
        return Err(DateError::ImplausibleAge);
    }
    Ok(BirthFacts { age: age as u32, is_minor: age < ADULT_AGE, under_14: age < 14 })
}

/// The report on one birth date as text (the shape of `dates.jsonl`'s birth cases).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BirthReport {
    pub valid: bool,
    pub error: Option<DateError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_minor: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub under_14: Option<bool>,
}

pub fn birth_report(text: &str, as_of: NaiveDate) -> BirthReport {
    let invalid = |error, age| BirthReport { valid: false, error: Some(error), age, is_minor: None, under_14: None };
    let Some(birth) = parse_date(text.trim()) else {
        return invalid(DateError::InvalidDate, None);
    };
    match check_birth_date(birth, as_of) {
        Ok(f) => BirthReport {
            valid: true,
            error: None,
            age: Some(f.age as i32),
            is_minor: Some(f.is_minor),
            under_14: Some(f.under_14),
        },
        Err(DateError::ImplausibleAge) => invalid(DateError::ImplausibleAge, Some(age_on(birth, as_of))),
        Err(e) => invalid(e, None),
    }
}

/// Calendar nights from check-in date to check-out date (negative when reversed).
pub fn nights(check_in: NaiveDate, check_out: NaiveDate) -> i64 {
    (check_out - check_in).num_days()
}

/// Whether a 29 February is one of the nights of the stay (check-in date included, check-out
/// date excluded).
pub fn crosses_feb29(check_in: NaiveDate, check_out: NaiveDate) -> bool {
    (check_in.year()..=check_out.year()).any(|y| {
        NaiveDate::from_ymd_opt(y, 2, 29).is_some_and(|d| d >= check_in && d < check_out)
    })
}

/// A local wall time that does not name exactly one instant in its zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalTimeError {
    pub error: DateError,
    /// The offsets in force around the gap (before, after), or of the two instants (earlier first).
    pub candidate_offsets: Vec<FixedOffset>,
    /// For an ambiguous time: the two instants, earlier first.
    pub candidate_utc: Vec<DateTime<Utc>>,
}

/// Resolves a local wall time in `tz`, refusing to guess across a DST gap or overlap.
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> Result<DateTime<Tz>, LocalTimeError> {
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => Ok(t),
        chrono::LocalResult::Ambiguous(a, b) => {
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            Err(LocalTimeError {
                error: DateError::AmbiguousLocalTime,
                candidate_offsets: vec![a.offset().fix(), b.offset().fix()],
                candidate_utc: vec![a.with_timezone(&Utc), b.with_timezone(&Utc)],
            })
        }
        chrono::LocalResult::None => {
            let around = |d: Duration| tz.offset_from_utc_datetime(&(local + d)).fix();
            Err(LocalTimeError {
                error: DateError::NonexistentLocalTime,
                candidate_offsets: vec![around(Duration::days(-1)), around(Duration::days(1))],
                candidate_utc: vec![],
            })
        }
    }
}

/// A stay as dates, optionally with local wall times in an IANA zone (`dates.jsonl` input).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StayQuery {
    pub check_in: String,
    pub check_out: String,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub check_in_time: Option<String>,
    #[serde(default)]
    pub check_out_time: Option<String>,
}

/// The report on a stay: nights, and for timed stays the instants, offsets and durations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StayReport {
    pub valid: bool,
    pub error: Option<DateError>,
    /// The inputs an error concerns (`check_in`, `check_out`, `timezone`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub which: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nights: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crosses_feb29: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in_utc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_out_utc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utc_offset_in: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utc_offset_out: Option<String>,
    /// Real elapsed time between the two instants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_hours: Option<f64>,
    /// Difference of the wall-clock readings, ignoring offsets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_clock_hours: Option<f64>,
    /// `elapsed_hours − wall_clock_hours`: +1 across a fall-back, −1 across a spring-forward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dst_shift_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidate_offsets: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidate_utc: Vec<String>,
}

fn utc_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

fn hours(d: Duration) -> f64 {
    d.num_seconds() as f64 / 3600.0
}

/// Checks a stay: dates exist, local times exist once in the zone, then the order of the dates.
pub fn stay_report(q: &StayQuery) -> StayReport {
    let mut r = StayReport::default();
    let (ci, co) = (parse_date(q.check_in.trim()), parse_date(q.check_out.trim()));
    let bad: Vec<String> =
        [("check_in", ci.is_none()), ("check_out", co.is_none())].iter().filter(|(_, b)| *b).map(|(n, _)| (*n).to_owned()).collect();
    let (Some(ci), Some(co)) = (ci, co) else {
        r.error = Some(DateError::InvalidDate);
        r.which = bad;
        return r;
    };
    let n = nights(ci, co);
    r.nights = Some(n);
    r.crosses_feb29 = Some(crosses_feb29(ci, co));
    if let Some(zone) = &q.timezone {
        let Ok(tz) = zone.parse::<Tz>() else {
            r.error = Some(DateError::UnknownTimeZone);
            r.which = vec!["timezone".into()];
            return r;
        };
        let time = |t: &Option<String>| -> Option<NaiveTime> {
            NaiveTime::parse_from_str(t.as_deref().unwrap_or("00:00"), "%H:%M").ok()
        };
        let (Some(ti), Some(to)) = (time(&q.check_in_time), time(&q.check_out_time)) else {
            r.error = Some(DateError::InvalidDate);
            r.which = vec!["time".into()];
            return r;
        };
        let (li, lo) = (ci.and_time(ti), co.and_time(to));
        let (ti, to) = match (resolve_local(tz, li), resolve_local(tz, lo)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (Ok(_), Err(e)) => {
                let which = if resolve_local(tz, li).is_err() { "check_in" } else { "check_out" };
                r.error = Some(e.error);
                r.which = vec![which.into()];
                r.candidate_offsets = e.candidate_offsets.iter().map(ToString::to_string).collect();
                r.candidate_utc = e.candidate_utc.into_iter().map(utc_text).collect();
                return r;
            }
        };
        let elapsed = hours(to.with_timezone(&Utc) - ti.with_timezone(&Utc));
        let wall = hours(lo - li);
        r.check_in_utc = Some(utc_text(ti.with_timezone(&Utc)));
        r.check_out_utc = Some(utc_text(to.with_timezone(&Utc)));
        r.utc_offset_in = Some(ti.offset().fix().to_string());
        r.utc_offset_out = Some(to.offset().fix().to_string());
        r.elapsed_hours = Some(elapsed);
        r.wall_clock_hours = Some(wall);
        r.dst_shift_hours = Some(elapsed - wall);
    }
    r.error = match n {
        n if n < 0 => Some(DateError::CheckoutBeforeCheckin),
        0 => Some(DateError::ZeroNights),
        _ => None,
    };
    r.valid = r.error.is_none();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn a_leap_day_birthday_is_reached_on_the_first_of_march_in_common_years() {
        assert_eq!(age_on(d("2008-02-29"), d("2026-02-28")), 17);
        assert_eq!(age_on(d("2008-02-29"), d("2026-03-01")), 18);
    }

    #[test]
    fn strict_dates_reject_other_shapes() {
        assert!(parse_date("2026-2-01").is_none());
        assert!(parse_date("+2026-02-01").is_none());
        assert!(parse_date("2027-02-29").is_none());
        assert_eq!(parse_date("0001-01-01"), NaiveDate::from_ymd_opt(1, 1, 1));
    }

    #[test]
    fn shanghai_had_daylight_saving_time_in_1990() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        let summer = resolve_local(tz, d("1990-07-01").and_hms_opt(12, 0, 0).unwrap()).unwrap();
        assert_eq!(summer.offset().fix().to_string(), "+09:00");
    }
}
