use chrono::NaiveDate;
use serde_json::json;

use super::*;
use crate::domain::input::SubmissionInput;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

fn submission(value: serde_json::Value) -> SubmissionInput {
    serde_json::from_value(value).unwrap()
}

fn adult_es(number: &str) -> serde_json::Value {
    json!({
        "given_names": "María José", "family_name": "García", "second_family_name": "López",
        "birth_date": "1985-03-14", "nationality": "ESP", "sex": "F",
        "document": {"type": "id_card", "number": number, "issuing_country": "ESP", "support_number": "ABC123456"}
    })
}

fn stay() -> serde_json::Value {
    json!({"check_in": "2026-03-28T16:00:00+01:00", "check_out": "2026-03-30T11:00:00+02:00"})
}

fn codes(errors: &[FieldError]) -> Vec<(String, String)> {
    errors.iter().map(|e| (e.field.clone(), e.code.clone())).collect()
}

fn has(errors: &[FieldError], field: &str, code: &str) -> bool {
    errors.iter().any(|e| e.field == field && e.code == code)
}

#[test]
fn a_spanish_family_with_a_guarded_minor_is_accepted() {
    let minor = json!({
        "given_names": "Lucía", "family_name": "García", "second_family_name": "López",
        "birth_date": "2015-06-01", "nationality": "ESP",
        "document": {"type": "id_card", "number": "00000000t", "issuing_country": "ESP", "support_number": "DEF654321"},
        "guardian": {"person": 0, "relationship": "parent"}
    });
    let input = submission(json!({
        "stay": stay(), "persons": [adult_es("12345678-z"), minor], "contact": {"phone": "+34 600 000 000"}
    }));
    let profile = Profile::for_jurisdiction("ES-M").with_time_zone(chrono_tz::Europe::Madrid);
    let ok = validate_submission(&input, &profile, today()).unwrap();
    assert_eq!(ok.persons[0].document.number, "12345678Z");
    assert_eq!(ok.persons[1].guardian.as_ref().unwrap().person, 0);
    assert_eq!(ok.persons[0].given_names, "María José");
}

#[test]
fn spain_requires_second_surname_support_number_contact_and_alpha_3() {
    let mut person = adult_es("12345678Z");
    person["second_family_name"] = json!(null);
    person["document"]["support_number"] = json!(null);
    person["nationality"] = json!("ES");
    let input = submission(json!({"stay": stay(), "persons": [person]}));
    let errors = validate_submission(&input, &Profile::for_jurisdiction("ES-ZZ"), today()).unwrap_err();
    assert!(has(&errors, "persons[0].second_family_name", "required"), "{:?}", codes(&errors));
    assert!(has(&errors, "persons[0].document.support_number", "required"));
    assert!(has(&errors, "persons[0].nationality", "country"));
    assert!(has(&errors, "contact", "required"));
}

#[test]
fn the_permissive_default_accepts_alpha_2_and_no_contact() {
    let person = json!({
        "given_names": "Anna", "family_name": "Eriksson", "birth_date": "1974-08-12", "nationality": "se",
        "document": {"type": "passport", "number": "ab 123 456", "issuing_country": "SWE"}
    });
    let input = submission(json!({"stay": stay(), "persons": [person]}));
    let ok = validate_submission(&input, &Profile::for_jurisdiction("FR-75"), today()).unwrap();
    assert_eq!(ok.persons[0].nationality, "SWE");
    assert_eq!(ok.persons[0].document.number, "AB123456");
}

#[test]
fn a_minor_needs_an_adult_of_the_same_checkin() {
    let child = |guardian: serde_json::Value| {
        json!({
            "given_names": "Wei", "family_name": "Zhang", "birth_date": "2012-05-05", "nationality": "CHN",
            "document": {"type": "passport", "number": "E12345678", "issuing_country": "CHN"}, "guardian": guardian
        })
    };
    let input = submission(json!({
        "stay": stay(), "contact": {"email": "a@example.org"},
        "persons": [child(json!(null)), child(json!({"person": 0, "relationship": "sibling"})), child(json!({"person": 7}))]
    }));
    let errors = validate_submission(&input, &Profile::for_jurisdiction("CN-TJ"), today()).unwrap_err();
    assert!(has(&errors, "persons[0].guardian", "guardian_required"), "{:?}", codes(&errors));
    assert!(has(&errors, "persons[1].guardian.person", "guardian_not_adult"));
    assert!(has(&errors, "persons[2].guardian.person", "guardian_invalid"));
    assert!(has(&errors, "persons[2].guardian.relationship", "required"));
    assert!(errors.iter().all(|e| e.person.is_some()));
}

#[test]
fn document_numbers_are_checked_by_the_scheme_of_their_type_and_country() {
    let person = |kind: &str, number: &str, country: &str| {
        json!({
            "given_names": "Xiuying", "family_name": "Wang", "birth_date": "1949-12-31", "nationality": "CHN", "sex": "M",
            "document": {"type": kind, "number": number, "issuing_country": country}
        })
    };
    let input = submission(json!({
        "stay": stay(), "contact": {"phone": "+86 10 1234 5678"},
        "persons": [
            person("id_card", "110105194912310021", "CHN"),
            person("id_card", "11010519491231002X", "CHN"),
            person("id_card", "T22000129", "DEU"),
            person("id_card", "T220001290", "DEU"),
        ]
    }));
    let errors = validate_submission(&input, &Profile::for_jurisdiction("CN-BJ"), today()).unwrap_err();
    assert!(has(&errors, "persons[0].document.number", "checksum"), "{:?}", codes(&errors));
    assert!(has(&errors, "persons[1].sex", "document_mismatch"), "the RIC says female");
    assert!(!errors.iter().any(|e| e.field == "persons[2].document.number"), "a printed German serial is fine");
    assert!(has(&errors, "persons[3].document.number", "checksum"));
}

#[test]
fn names_with_invisible_characters_or_mixed_scripts_are_rejected() {
    let person = |family: &str, given: &str| {
        json!({
            "given_names": given, "family_name": family, "birth_date": "1980-01-01", "nationality": "RUS",
            "document": {"type": "passport", "number": "751234567", "issuing_country": "RUS"}
        })
    };
    let input = submission(json!({"stay": stay(), "persons": [
        person("Fros\u{200B}t", "Hannah"), person("Iv\u{430}nov", "Ivan"), person("Иванов", "Ivan"), person("J0hnson", "Al")
    ]}));
    let errors = validate_submission(&input, &Profile::for_jurisdiction("DE-BE"), today()).unwrap_err();
    assert!(has(&errors, "persons[0].family_name", "invisible_character"), "{:?}", codes(&errors));
    assert!(has(&errors, "persons[1].family_name", "mixed_script"));
    assert!(has(&errors, "persons[2].given_names", "mixed_script"));
    assert!(has(&errors, "persons[3].family_name", "digit_in_name"));
}

#[test]
fn birth_dates_must_be_real_past_and_plausible() {
    let person = |birth: &str| {
        json!({
            "given_names": "A", "family_name": "B", "birth_date": birth, "nationality": "FRA",
            "document": {"type": "passport", "number": "12AB34567", "issuing_country": "FRA"}
        })
    };
    let input = submission(json!({"stay": stay(), "persons": [
        person("2026-01-02"), person("1905-01-01"), person("2007-02-29"), person("01/02/1990")
    ]}));
    let errors = validate_submission(&input, &Profile::for_jurisdiction("FR"), today()).unwrap_err();
    assert!(has(&errors, "persons[0].birth_date", "birth_in_future"), "{:?}", codes(&errors));
    assert!(has(&errors, "persons[1].birth_date", "implausible_age"));
    assert!(has(&errors, "persons[2].birth_date", "invalid_date"));
    assert!(has(&errors, "persons[3].birth_date", "invalid_date"));
}

#[test]
fn an_mrz_is_checked_and_compared_with_the_declared_fields() {
    let mrz = "P<D<<MUELLER<<JUERGEN<<<<<<<<<<<<<<<<<<<<<<<\nC799681549D<<5404050M2805081<<<<<<<<<<<<<<06";
    let person = |family: &str, number: &str, mrz: &str| {
        json!({
            "given_names": "Jürgen", "family_name": family, "birth_date": "1954-04-05", "nationality": "DEU", "sex": "M",
            "document": {"type": "passport", "number": number, "issuing_country": "DEU", "mrz": mrz}
        })
    };
    let corrupt = mrz.replace("5404050", "5404051");
    let input = submission(json!({"stay": stay(), "persons": [
        person("Müller", "C79968154", mrz), person("Schmidt", "C79968155", mrz), person("Müller", "C79968154", &corrupt)
    ]}));
    let errors = validate_submission(&input, &Profile::for_jurisdiction("DE"), today()).unwrap_err();
    assert!(!errors.iter().any(|e| e.person == Some(0)), "{:?}", codes(&errors));
    assert!(has(&errors, "persons[1].document.number", "mrz_mismatch"));
    assert!(has(&errors, "persons[1].family_name", "mrz_mismatch"));
    assert!(has(&errors, "persons[2].document.mrz", "mrz_checksum"));
}

#[test]
fn stays_are_counted_on_the_property_calendar_and_offsets_must_be_its_own() {
    let person = json!({
        "given_names": "A", "family_name": "B", "birth_date": "1980-01-01", "nationality": "FRA",
        "document": {"type": "passport", "number": "12AB34567", "issuing_country": "FRA"}
    });
    let madrid = Profile::for_jurisdiction("ES-M").with_time_zone(chrono_tz::Europe::Madrid);
    let summer_offset_in_winter = submission(json!({
        "stay": {"check_in": "2026-01-10T15:00:00+02:00", "check_out": "2026-01-12T11:00:00+01:00"}, "persons": [person.clone()]
    }));
    let errors = validate_submission(&summer_offset_in_winter, &madrid, today()).unwrap_err();
    assert!(has(&errors, "stay.check_in", "offset_mismatch"), "{:?}", codes(&errors));
    let same_day = submission(json!({
        "stay": {"check_in": "2026-01-10T09:00:00+01:00", "check_out": "2026-01-10T18:00:00+01:00"}, "persons": [person]
    }));
    let errors = validate_submission(&same_day, &madrid, today()).unwrap_err();
    assert!(has(&errors, "stay.check_out", "zero_nights"));
}

#[test]
fn no_error_message_repeats_a_submitted_value() {
    let values = ["Fros\u{200B}t", "110105194912310021", "2031-05-20", "not-an-email", "Iv\u{430}nov", "ZZQ"];
    let input = submission(json!({
        "stay": {"check_in": "2026-03-28T16:00:00+01:00", "check_out": "2026-03-28T11:00:00+01:00"},
        "contact": {"email": values[3]},
        "persons": [{
            "given_names": values[4], "family_name": values[0], "birth_date": values[2], "nationality": values[5],
            "document": {"type": "id_card", "number": values[1], "issuing_country": "CHN"}
        }]
    }));
    let errors = validate_submission(&input, &Profile::for_jurisdiction("CN-TJ"), today()).unwrap_err();
    assert!(errors.len() >= 6, "{:?}", codes(&errors));
    for e in &errors {
        for v in values {
            assert!(!e.message.contains(v) && !e.code.contains(v), "{e:?} repeats a value");
        }
        assert!(!e.message.is_empty());
    }
}

#[test]
fn a_spanish_dni_mrz_carries_the_dni_number_in_its_optional_data() {
    let mrz = "IDESPBAA000589599999999R<<<<<<\n8001014F3001019ESP<<<<<<<<<<<5\nESPANOLA<ESPANOLA<<CARMEN<<<<<";
    let person = json!({
        "given_names": "Carmen", "family_name": "Española", "second_family_name": "Española",
        "birth_date": "1980-01-01", "nationality": "ESP", "sex": "F",
        "document": {"type": "id_card", "number": "99999999R", "issuing_country": "ESP",
                     "support_number": "BAA000589", "mrz": mrz}
    });
    let input = submission(json!({"stay": stay(), "persons": [person], "contact": {"email": "c@example.es"}}));
    let result = validate_submission(&input, &Profile::for_jurisdiction("ES-B"), today());
    assert!(result.is_ok(), "{:?}", result.err().map(|e| codes(&e)));
}

#[test]
fn minimisation_keeps_only_what_the_profile_asks_for() {
    let input = |country: &str| {
        let mut person = adult_es("12345678-z");
        person["nationality"] = json!(country);
        submission(json!({"stay": stay(), "persons": [person], "contact": {"email": "guest@example.com"}}))
    };
    let spain = validate_submission(&input("ESP"), &Profile::for_jurisdiction("ES-M"), today()).unwrap();
    assert_eq!(spain.persons[0].sex.as_deref(), Some("F"));
    assert_eq!(spain.persons[0].document.support_number.as_deref(), Some("ABC123456"));
    assert_eq!(spain.contact.email.as_deref(), Some("guest@example.com"));
    // A Spanish DNI presented in Germany: its sex and support number served intake's checks
    // only, and the contact nobody asked for is not kept.
    let germany = validate_submission(&input("ESP"), &Profile::for_jurisdiction("DE-BE"), today()).unwrap();
    assert_eq!(germany.persons[0].sex, None);
    assert_eq!(germany.persons[0].document.support_number, None);
    assert_eq!(germany.contact, Contact::default());
    assert_eq!(germany.persons[0].document.number, "12345678Z", "what the registration needs stays");
}

#[test]
fn a_stay_is_bounded_in_time_and_length_and_a_check_in_in_persons() {
    let person = adult_es("12345678Z");
    let madrid = Profile::for_jurisdiction("ES-M").with_time_zone(chrono_tz::Europe::Madrid);
    let with = |check_in: &str, check_out: &str, persons: Vec<serde_json::Value>| -> SubmissionInput {
        serde_json::from_value(json!({"stay": {"check_in": check_in, "check_out": check_out}, "persons": persons})).unwrap()
    };
    let errors = validate_submission(&with("2026-12-01T14:00:00+01:00", "2226-12-04T11:00:00+01:00", vec![person.clone()]), &madrid, today())
        .unwrap_err();
    assert!(has(&errors, "stay.check_out", "too_long"), "{:?}", codes(&errors));
    let errors = validate_submission(&with("2020-12-01T14:00:00+01:00", "2020-12-04T11:00:00+01:00", vec![person.clone()]), &madrid, today())
        .unwrap_err();
    assert!(has(&errors, "stay.check_in", "too_far_past"), "{:?}", codes(&errors));
    let errors = validate_submission(&with("2031-12-01T14:00:00+01:00", "2031-12-04T11:00:00+01:00", vec![person.clone()]), &madrid, today())
        .unwrap_err();
    assert!(has(&errors, "stay.check_in", "too_far_ahead"), "{:?}", codes(&errors));
    let errors = validate_submission(&with("2026-12-01T14:00:00+01:00", "2026-12-04T11:00:00+01:00", vec![person.clone(); 21]), &madrid, today())
        .unwrap_err();
    assert!(has(&errors, "persons", "too_many"), "{:?}", codes(&errors));
    let errors = validate_submission(&with("2026-12-01T14:00:00+01:00", "2026-12-04T11:00:00+01:00", vec![person.clone(); 2]), &madrid, today())
        .unwrap_err();
    assert!(has(&errors, "persons[1].document.number", "duplicate"), "{:?}", codes(&errors));
    assert!(!has(&errors, "persons[0].document.number", "duplicate"));
}
