//! The simulated registry's people, submitted as printed, pass intake in every profile: the
//! synthetic population and the identity rules agree on what a valid person is.

use hospes::domain::input::{ContactInput, PersonInput, StayInput, SubmissionInput};
use hospes::identity::intake::{Profile, validate_submission};

#[test]
fn every_simulated_person_passes_intake_in_the_spanish_chinese_and_default_profiles() {
    let population = hospes::registry::sim::Population::generate(2000, 1);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut failures = Vec::new();
    for (i, synthetic) in population.people.iter().enumerate() {
        let person: PersonInput = serde_json::from_value(serde_json::to_value(&synthetic.person).unwrap()).unwrap();
        let input = SubmissionInput {
            stay: Some(StayInput {
                check_in: Some("2026-03-01T15:00:00+01:00".into()),
                check_out: Some("2026-03-03T11:00:00+01:00".into()),
            }),
            persons: vec![person],
            contact: Some(ContactInput { phone: Some("+34 600 000 000".into()), email: None }),
        };
        for jurisdiction in ["ES-M", "CN-TJ", "FR-75"] {
            if let Err(errors) = validate_submission(&input, &Profile::for_jurisdiction(jurisdiction), today) {
                let codes: Vec<String> = errors.iter().map(|e| format!("{} {}", e.field, e.code)).collect();
                failures.push(format!("person {i} ({}) in {jurisdiction}: {codes:?}", synthetic.person.nationality));
            }
        }
    }
    assert!(failures.is_empty(), "{} rejected:\n{}", failures.len(), failures.join("\n"));
}
