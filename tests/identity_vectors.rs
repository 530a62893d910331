//! Drives the identity rules with the shared test vectors (`shared/testdata/identity`), read in
//! place. Every case checks the verdict, the error class and the extracted fields; each test
//! prints its pass count and fails listing every case that disagrees.

use std::path::PathBuf;

use chrono::NaiveDate;
use hospes::identity::dates::{self, StayQuery};
use hospes::identity::documents::{self, Request};
use hospes::identity::names::{self, NameParts};
use serde_json::{Value, json};

fn vectors(file: &str) -> Vec<Value> {
    let path: PathBuf = hospes::shared_testdata_dir().join("identity").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("JSON line")).collect()
}

fn as_of(case: &Value) -> NaiveDate {
    dates::parse_date(case["as_of"].as_str().expect("as_of")).expect("as_of date")
}

/// Runs `check` on every case, prints the pass count and fails with every disagreement.
fn run(file: &str, check: impl Fn(&Value) -> Vec<String>) {
    let cases = vectors(file);
    let failures: Vec<String> = cases
        .iter()
        .flat_map(|case| check(case).into_iter().map(move |f| format!("{}: {f}", case["id"].as_str().unwrap_or("?"))))
        .collect();
    let failed_cases = {
        let mut ids: Vec<&str> = failures.iter().map(|f| f.split(':').next().unwrap_or("")).collect();
        ids.dedup();
        ids.len()
    };
    println!("{file}: {}/{} passed", cases.len() - failed_cases, cases.len());
    assert!(failures.is_empty(), "{file}: {} failures:\n{}", failures.len(), failures.join("\n"));
}

fn expect_eq(out: &mut Vec<String>, what: &str, got: &Value, want: &Value) {
    if got != want {
        out.push(format!("{what}: got {got}, want {want}"));
    }
}

#[test]
fn every_national_id_vector_gets_its_verdict_class_and_fields() {
    run("national_ids.jsonl", |case| {
        let mut out = Vec::new();
        let request = Request {
            scheme: case["scheme"].as_str().map(str::to_owned),
            input: case["input"].as_str().map(str::to_owned),
            ..Request::default()
        };
        let verdict = documents::validate(&request, as_of(case));
        expect_eq(&mut out, "valid", &json!(verdict.valid), &case["valid"]);
        expect_eq(&mut out, "error_class", &json!(verdict.error_class), &case["error_class"]);
        if case["valid"] == true {
            expect_eq(&mut out, "normalized", &json!(verdict.normalized), &case["normalized"]);
            let fields = serde_json::to_value(verdict.fields.unwrap_or_default()).unwrap();
            let derived = &case["info"]["derived"];
            let pairs = [
                ("birth_date", "birth_date"),
                ("gender", "sex"),
                ("region_code", "region_code"),
                ("age_as_of", "age"),
                ("birth_place_code", "birth_place_code"),
                ("base_code", "base_code"),
                ("birth_year_2d", "birth_year_2d"),
                ("birth_month", "birth_month"),
                ("place_code", "place_code"),
                ("place_kind", "place_kind"),
                ("order", "order"),
            ];
            for (theirs, ours) in pairs {
                if let Some(want) = derived.get(theirs) {
                    expect_eq(&mut out, ours, &fields[ours], want);
                }
            }
            if let Some(digit) = derived.get("sex_digit").and_then(Value::as_str) {
                let want = match digit {
                    "1" => json!("M"),
                    "2" => json!("F"),
                    _ => Value::Null,
                };
                expect_eq(&mut out, "sex", &fields["sex"], &want);
            }
        }
        out
    });
}

#[test]
fn every_mrz_vector_gets_its_check_digits_structure_errors_and_fields() {
    run("mrz.jsonl", |case| {
        let mut out = Vec::new();
        let expected = &case["expected"];
        let request = Request { mrz: case["mrz"].as_str().map(str::to_owned), ..Request::default() };
        let verdict = documents::validate(&request, as_of(case));
        let report = serde_json::to_value(verdict.mrz.expect("an MRZ report")).unwrap();
        expect_eq(&mut out, "valid", &json!(verdict.valid), &expected["valid"]);
        expect_eq(&mut out, "check_digits", &report["check_digits"], &expected["check_digits"]);
        expect_eq(&mut out, "fields", &report["fields"], &expected["fields"]);
        let sorted = |v: &Value| {
            let mut list: Vec<String> =
                v.as_array().into_iter().flatten().map(|s| s.as_str().unwrap_or_default().to_owned()).collect();
            list.sort();
            json!(list)
        };
        expect_eq(&mut out, "structure_errors", &sorted(&report["structure_errors"]), &sorted(&expected["structure_errors"]));
        if let Some(expired) = expected.get("expired_as_of") {
            expect_eq(&mut out, "expired_as_of", &report["expired_as_of"], expired);
        }
        if verdict.valid != (verdict.error_class.is_none()) {
            out.push("an invalid MRZ must have an error class, a valid one none".into());
        }
        out
    });
}

#[test]
fn every_name_pair_gets_the_decision_and_rule_of_names_rules() {
    run("names.jsonl", |case| {
        let mut out = Vec::new();
        let parts = |v: &Value| {
            NameParts::new(v["family"].as_str().unwrap_or_default(), v["given"].as_str().unwrap_or_default())
        };
        let d = names::match_names(&parts(&case["registry"]), &parts(&case["declared"]));
        expect_eq(&mut out, "decision", &json!(d.decision), &case["expected"]);
        let rule = case["rules"][0].as_str().unwrap_or_default().split(':').next().unwrap_or_default();
        expect_eq(&mut out, "rule", &json!(d.rule), &json!(rule));
        // Scores are compared where both fields are non-empty on both sides (jellyfish scores
        // an empty pair 0, we score it 1; neither decides any case).
        let non_empty = ["registry", "declared"]
            .iter()
            .all(|side| ["family", "given"].iter().all(|f| !case[side][f].as_str().unwrap_or_default().is_empty()));
        if let (Some(scores), Some(ours), true) = (case.get("scores").filter(|s| !s.is_null()), d.scores, non_empty) {
            for (theirs, got) in [("jw_family", ours.family), ("jw_given", ours.given)] {
                let want = scores[theirs].as_f64().unwrap_or(f64::NAN);
                if (got - want).abs() > 1e-4 {
                    out.push(format!("{theirs}: got {got}, want {want}"));
                }
            }
        }
        out
    });
}

#[test]
fn every_date_case_gets_its_error_nights_offsets_and_age() {
    run("dates.jsonl", |case| {
        let mut out = Vec::new();
        let input = &case["input"];
        let expected = case["expected"].as_object().expect("expected object");
        let got = if let Some(birth) = input.get("birth_date") {
            serde_json::to_value(dates::birth_report(birth.as_str().unwrap_or_default(), as_of(case))).unwrap()
        } else {
            let query: StayQuery = serde_json::from_value(input.clone()).expect("stay input");
            serde_json::to_value(dates::stay_report(&query)).unwrap()
        };
        for (key, want) in expected {
            let want = match (key.as_str(), want) {
                ("which", Value::String(s)) => json!([s]),
                _ => want.clone(),
            };
            let got = got.get(key).cloned().unwrap_or(Value::Null);
            let same = match (&got, &want) {
                (Value::Number(a), Value::Number(b)) => (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-9,
                _ => got == want,
            };
            if !same {
                out.push(format!("{key}: got {got}, want {want}"));
            }
        }
        out
    });
}
