//! Retention: how long each jurisdiction keeps a check-in's personal data, and when one is due.
//!
//! The defaults and their legal sources are in [`Profile::retention`]; `HOSPES_RETENTION`
//! overrides them per country (`ES=3y,DE=12m,IT=transmitted,default=12m`). A check-in's erasure
//! time is fixed when it is accepted ([`RetentionPolicy::erase_after`]) and stored with it, so
//! the purge job finds due check-ins through an index. Check-ins still awaiting the registry or
//! a police review are held until that ends ([`held`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::domain::{CheckinStatus, Stay};
use crate::identity::profile::{Profile, Retention};

/// The retention in force: the profiles' defaults with the configured overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Overrides by ISO 3166-1 alpha-2 country code.
    by_country: BTreeMap<String, Retention>,
    /// Override of the default profile's retention (countries without a profile of their own).
    default: Option<Retention>,
}

impl RetentionPolicy {
    /// Parses `CC=PERIOD` pairs separated by commas; `default=PERIOD` sets the retention of
    /// countries without a profile of their own. Periods: `90d`, `12m`, `3y`, `transmitted`.
    pub fn parse(spec: &str) -> Result<RetentionPolicy, String> {
        let mut policy = RetentionPolicy::default();
        for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').ok_or_else(|| format!("`{pair}` is not COUNTRY=PERIOD"))?;
            let retention: Retention = value.parse()?;
            let key = key.trim().to_ascii_uppercase();
            if key == "DEFAULT" {
                policy.default = Some(retention);
            } else if key.len() == 2 && key.bytes().all(|b| b.is_ascii_uppercase()) {
                policy.by_country.insert(key, retention);
            } else {
                return Err(format!("`{key}` is neither an ISO 3166-1 alpha-2 country code nor `default`"));
            }
        }
        Ok(policy)
    }

    /// The retention of a jurisdiction (ISO 3166-2, or a bare country code).
    pub fn for_jurisdiction(&self, jurisdiction: &str) -> Retention {
        let profile = Profile::for_jurisdiction(jurisdiction);
        if let Some(r) = self.by_country.get(&profile.code) {
            return *r;
        }
        match (profile.kind, self.default) {
            (crate::identity::ProfileKind::Default, Some(r)) => r,
            _ => profile.retention(),
        }
    }

    /// When the personal data of a check-in accepted at `accepted_at` is due for erasure.
    pub fn erase_after(&self, jurisdiction: &str, stay: &Stay, accepted_at: DateTime<Utc>) -> DateTime<Utc> {
        match self.for_jurisdiction(jurisdiction) {
            Retention::AfterCheckOut(period) => period.after(stay.check_out.to_utc()),
            Retention::UntilTransmitted => accepted_at,
        }
    }
}

/// Whether a check-in is held back from erasure although due: its registry check has no outcome
/// yet, or it is flagged and police have not resolved it.
pub fn held(status: CheckinStatus) -> bool {
    matches!(status, CheckinStatus::Submitted | CheckinStatus::Checking | CheckinStatus::Flagged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::profile::Period;

    fn stay() -> Stay {
        Stay {
            check_in: DateTime::parse_from_rfc3339("2026-12-01T14:00:00+01:00").unwrap(),
            check_out: DateTime::parse_from_rfc3339("2026-12-04T11:00:00+01:00").unwrap(),
        }
    }

    #[test]
    fn erasure_follows_the_profile_unless_configured_otherwise() {
        let accepted = DateTime::parse_from_rfc3339("2026-11-20T09:00:00Z").unwrap().to_utc();
        let p = RetentionPolicy::default();
        assert_eq!(p.erase_after("ES-M", &stay(), accepted).to_rfc3339(), "2029-12-04T10:00:00+00:00");
        assert_eq!(p.erase_after("DE-BE", &stay(), accepted).to_rfc3339(), "2027-12-04T10:00:00+00:00");
        assert_eq!(p.erase_after("IT-RM", &stay(), accepted), accepted);
        assert_eq!(p.erase_after("FR-75", &stay(), accepted).to_rfc3339(), "2027-12-04T10:00:00+00:00");
        let p = RetentionPolicy::parse("es=90d, default=transmitted").unwrap();
        assert_eq!(p.for_jurisdiction("ES-M"), Retention::AfterCheckOut(Period::Days(90)));
        assert_eq!(p.for_jurisdiction("FR-75"), Retention::UntilTransmitted);
        assert_eq!(p.for_jurisdiction("DE-BE"), Retention::AfterCheckOut(Period::Months(12)), "a profile of its own");
        assert!(RetentionPolicy::parse("Spain=3y").is_err());
        assert!(RetentionPolicy::parse("ES").is_err());
    }

    #[test]
    fn checkins_awaiting_an_outcome_or_a_review_are_held() {
        assert!(held(CheckinStatus::Checking) && held(CheckinStatus::Flagged));
        assert!(!held(CheckinStatus::Verified) && !held(CheckinStatus::Resolved) && !held(CheckinStatus::CheckedOut));
    }
}
