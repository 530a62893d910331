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
//! - **Default**: family name, birth date, nationality (alpha-2 accepted and converted),
//!   document; contact optional.
//!
//! Rules common to all profiles live in `identity::intake`.

use chrono_tz::Tz;

use super::countries;

/// Which rule set applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileKind {
    China,
    Spain,
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
            },
            ProfileKind::China => Rules {
                given_names_required: true,
                second_family_name_for_dni: false,
                support_number_for_dni_nie: false,
                contact_required: true,
                closed_relationships: false,
                alpha2_accepted: false,
            },
            ProfileKind::Default => Rules {
                given_names_required: false,
                second_family_name_for_dni: false,
                support_number_for_dni_nie: false,
                contact_required: false,
                closed_relationships: false,
                alpha2_accepted: true,
            },
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
    }
}
