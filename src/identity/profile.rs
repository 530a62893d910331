//! Jurisdiction profiles: which fields a check-in must carry and which rules apply, per
//! jurisdiction. A property's jurisdiction is an ISO 3166-2 code (`CN-TJ`, `ES-M`); its country
//! picks the profile, and an unknown subdivision of a known country falls back to that
//! country's profile. Countries without a profile of their own get the permissive default.
//!
//! - **Spain** (Real Decreto 933/2021, Anexo I, and the SES.HOSPEDAJES field list, the strictest
//!   published): second surname for DNI holders (foreigners with an NIE often have only one
//!   surname, and the field list asks for it with a DNI only), support number ("número de
//!   soporte") for DNI and NIE holders, a phone or e-mail, for each minor the adult who
//!   accompanies them and their relationship from a closed list, nationality as ISO 3166-1
//!   alpha-3.
//! - **China** (the seed's own; 旅馆业治安管理办法 art. 6 registration): given names, a phone or
//!   e-mail, nationality alpha-3; Chinese nationals' resident identity card numbers are checked
//!   (GB 11643-1999) like every scheme number.
//! - **Germany** and **Italy**: the default rules; they differ in how long the data is kept.
//! - **Default**: family name, birth date, nationality (alpha-2 accepted and converted),
//!   document; contact optional.
//!
//! Each profile also says what intake keeps beyond what it requires ([`Rules`]: data
//! minimisation, optional values a profile does not ask for are dropped) and how long the
//! personal data is kept ([`Profile::retention`], with the legal source of each default).
//!
//! Rules common to all profiles live in `identity::intake`.

use chrono_tz::Tz;

use super::countries;

/// Which rule set applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileKind {
    China,
    Spain,
    Germany,
    Italy,
    Default,
}

/// The rules of one jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The country part of the jurisdiction, ISO 3166-1 alpha-2 upper case (`ES`).
    pub code: String,
    /// The jurisdiction as given, upper case (`ES-M`).
    pub jurisdiction: String,
    /// Whether the jurisdiction is a known ISO 3166-2 subdivision (or a bare known country).
    pub subdivision_known: bool,
    pub kind: ProfileKind,
    /// The property's IANA time zone, when known: stay offsets are checked against it and
    /// nights are counted on its calendar.
    pub time_zone: Option<Tz>,
}

/// The concrete requirements a [`Profile`] implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub given_names_required: bool,
    /// Second surname required for holders of a Spanish DNI.
    pub second_family_name_for_dni: bool,
    /// Support number required (and checked) for a Spanish DNI or NIE.
    pub support_number_for_dni_nie: bool,
    /// A phone number or an e-mail address is required.
    pub contact_required: bool,
    /// Relationship of a minor's adult must be one of [`RELATIONSHIPS`].
    pub closed_relationships: bool,
    /// Nationality and issuing country may be given as alpha-2 (converted to alpha-3).
    pub alpha2_accepted: bool,
    /// The declared sex is kept (the registration form asks for it). Otherwise it is used for
    /// intake's cross-checks only and then dropped.
    pub keeps_sex: bool,
    /// A contact given although not required is kept. Otherwise it is dropped at intake.
    pub keeps_optional_contact: bool,
}

/// How long a check-in's personal data is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Retention {
    /// Until this long after the stay's check-out.
    AfterCheckOut(Period),
    /// Until the registration has been transmitted: here, until the registry check has an
    /// outcome (and, if flagged, until police have resolved it).
    UntilTransmitted,
}

/// A retention period in whole calendar units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Days(u32),
    Months(u32),
}

impl Period {
    /// `t` plus this period (months on the calendar; the end of a shorter month when the day
    /// does not exist).
    pub fn after(self, t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        match self {
            Period::Days(d) => t + chrono::Days::new(u64::from(d)),
            Period::Months(m) => t.checked_add_months(chrono::Months::new(m)).unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC),
        }
    }
}

impl std::fmt::Display for Retention {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Retention::AfterCheckOut(Period::Days(d)) => write!(f, "{d} days after check-out"),
            Retention::AfterCheckOut(Period::Months(m)) if m % 12 == 0 => write!(f, "{} year(s) after check-out", m / 12),
            Retention::AfterCheckOut(Period::Months(m)) => write!(f, "{m} months after check-out"),
            Retention::UntilTransmitted => write!(f, "until transmitted"),
        }
    }
}

impl std::str::FromStr for Retention {
    type Err = String;
    /// `transmitted`, or a number with a unit: `90d`, `12m`, `3y`.
    fn from_str(s: &str) -> Result<Retention, String> {
        let s = s.trim().to_ascii_lowercase();
        if s == "transmitted" {
            return Ok(Retention::UntilTransmitted);
        }
        let (n, unit) = s.split_at(s.len().saturating_sub(1));
        let n: u32 = n.parse().map_err(|_| format!("`{s}` is not a period like 90d, 12m, 3y or `transmitted`"))?;
        Ok(Retention::AfterCheckOut(match unit {
            "d" => Period::Days(n),
            "m" => Period::Months(n),
            "y" => Period::Months(n.saturating_mul(12)),
            _ => return Err(format!("`{s}`: the unit is d (days), m (months) or y (years)")),
        }))
    }
}

/// Relationships of an accompanying adult to a minor (Spain's SES.HOSPEDAJES "parentesco" list
/// in English terms).
pub const RELATIONSHIPS: &[&str] = &[
    "parent",
    "legal_guardian",
    "grandparent",
    "great_grandparent",
    "sibling",
    "uncle_aunt",
    "cousin",
    "spouse",
    "in_law",
    "other_relative",
    "other",
];

impl Profile {
    /// The profile for an ISO 3166-2 jurisdiction (`ES-M`) or a bare country code (`ES`).
    pub fn for_jurisdiction(jurisdiction: &str) -> Profile {
        let jurisdiction = jurisdiction.trim().to_ascii_uppercase();
        let country = jurisdiction.split('-').next().unwrap_or_default().to_owned();
        let country_known = countries::to_alpha2(&country).is_some_and(|a2| a2 == country);
        let subdivision_known = if jurisdiction.contains('-') {
            countries::is_subdivision(&jurisdiction)
        } else {
            country_known
        };
        let kind = match country.as_str() {
            "CN" => ProfileKind::China,
            "ES" => ProfileKind::Spain,
            "DE" => ProfileKind::Germany,
            "IT" => ProfileKind::Italy,
            _ => ProfileKind::Default,
        };
        Profile { code: country, jurisdiction, subdivision_known, kind, time_zone: None }
    }

    /// The same profile, with the property's time zone.
    pub fn with_time_zone(mut self, time_zone: Tz) -> Profile {
        self.time_zone = Some(time_zone);
        self
    }

    pub fn rules(&self) -> Rules {
        match self.kind {
            ProfileKind::Spain => Rules {
                given_names_required: true,
                second_family_name_for_dni: true,
                support_number_for_dni_nie: true,
                contact_required: true,
                closed_relationships: true,
                alpha2_accepted: false,
                keeps_sex: true,
                keeps_optional_contact: true,
            },
            ProfileKind::China => Rules {
                given_names_required: true,
                second_family_name_for_dni: false,
                support_number_for_dni_nie: false,
                contact_required: true,
                closed_relationships: false,
                alpha2_accepted: false,
                keeps_sex: true,
                keeps_optional_contact: true,
            },
            ProfileKind::Germany | ProfileKind::Italy | ProfileKind::Default => Rules {
                given_names_required: false,
                second_family_name_for_dni: false,
                support_number_for_dni_nie: false,
                contact_required: false,
                closed_relationships: false,
                alpha2_accepted: true,
                keeps_sex: false,
                keeps_optional_contact: false,
            },
        }
    }

    /// The default retention of personal data, by the registration law of the jurisdiction
    /// (configurable per country with `HOSPES_RETENTION`):
    /// - Spain: three years from the end of the stay (Real Decreto 933/2021: hosts keep the
    ///   registration data for three years from the end of the service).
    /// - Germany: one year from the day of departure (Bundesmeldegesetz §30 (4); the law allows
    ///   three more months to destroy; hospes erases at the year).
    /// - Italy: not kept once transmitted to the police (TULPS art. 109 and D.M. Interno
    ///   7 January 2013, Alloggiati Web: the host transmits and keeps no copy of the data).
    /// - China: no national retention period was found for hosts (旅馆业治安管理办法 sets
    ///   registration, not retention; PIPL art. 19: no longer than necessary): hospes's choice,
    ///   six months after check-out.
    /// - Everywhere else: twelve months after check-out, hospes's conservative choice (the
    ///   shortest statutory period above; GDPR art. 5(1)(e), storage limitation).
    pub fn retention(&self) -> Retention {
        match self.kind {
            ProfileKind::Spain => Retention::AfterCheckOut(Period::Months(36)),
            ProfileKind::Germany => Retention::AfterCheckOut(Period::Months(12)),
            ProfileKind::Italy => Retention::UntilTransmitted,
            ProfileKind::China => Retention::AfterCheckOut(Period::Months(6)),
            ProfileKind::Default => Retention::AfterCheckOut(Period::Months(12)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_subdivision_of_a_known_country_falls_back_to_the_country_profile() {
        let p = Profile::for_jurisdiction("es-zz");
        assert_eq!(p.kind, ProfileKind::Spain);
        assert!(!p.subdivision_known);
        let p = Profile::for_jurisdiction("ES-M");
        assert_eq!((p.kind, p.subdivision_known, p.code.as_str()), (ProfileKind::Spain, true, "ES"));
        assert_eq!(Profile::for_jurisdiction("CN-TJ").kind, ProfileKind::China);
        assert_eq!(Profile::for_jurisdiction("FR-75").kind, ProfileKind::Default);
        assert_eq!(Profile::for_jurisdiction("").kind, ProfileKind::Default);
        assert_eq!(Profile::for_jurisdiction("DE-BE").kind, ProfileKind::Germany);
    }

    #[test]
    fn retention_defaults_follow_the_registration_laws_and_parse_from_configuration() {
        let months = |j: &str| Profile::for_jurisdiction(j).retention();
        assert_eq!(months("ES-M"), Retention::AfterCheckOut(Period::Months(36)));
        assert_eq!(months("DE-BE"), Retention::AfterCheckOut(Period::Months(12)));
        assert_eq!(months("IT-RM"), Retention::UntilTransmitted);
        assert_eq!("3y".parse::<Retention>(), Ok(Retention::AfterCheckOut(Period::Months(36))));
        assert_eq!("90d".parse::<Retention>(), Ok(Retention::AfterCheckOut(Period::Days(90))));
        assert_eq!("transmitted".parse::<Retention>(), Ok(Retention::UntilTransmitted));
        assert!("3w".parse::<Retention>().is_err() && "y".parse::<Retention>().is_err());
        let t = chrono::DateTime::parse_from_rfc3339("2024-02-29T10:00:00Z").unwrap().to_utc();
        assert_eq!(Period::Months(12).after(t).to_rfc3339(), "2025-02-28T10:00:00+00:00");
    }
}
