//! JSON Lines front ends for the command line: `hospes documents validate --json` and
//! `hospes names match --json` delegate here.
//!
//! Each reads one JSON object per line (blank lines skipped) and writes exactly one JSON object
//! per input line, in order. An `"id"` in the input is copied to the output so that results can
//! be joined back. A line that is not valid JSON, or not of the expected shape, gets an answer
//! with `"request_error": "invalid_json"` instead of stopping the run.

use std::io::{self, BufRead, Write};

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use crate::identity::documents::{self, Request, Verdict};
use crate::identity::names::{self, MatchRequest};

#[derive(Serialize)]
struct Line<T: Serialize> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<Value>,
    #[serde(flatten)]
    body: T,
}

#[derive(Serialize)]
struct RequestError {
    request_error: &'static str,
    message: String,
}

/// Reads document requests (`{"scheme"|"country", "input"}` or `{"mrz"}`) and writes one
/// [`Verdict`] per line, judged as of `as_of`. Returns the number of lines answered.
pub fn documents_validate_jsonl(reader: impl BufRead, mut writer: impl Write, as_of: NaiveDate) -> io::Result<usize> {
    each_line(reader, &mut writer, |mut value| {
        // `id` is the line's, copied to its answer; every other unknown field is an error.
        if let Some(object) = value.as_object_mut() {
            object.remove("id");
        }
        let request: Request = serde_json::from_value(value).map_err(|e| {
            // An unknown key is not repeated (it could hold anything); serde lists the known ones.
            let message = e.to_string();
            match message.strip_prefix("unknown field `").and_then(|rest| rest.split_once("`, ")) {
                Some((_, known)) => format!("unknown field, {known}"),
                None => message,
            }
        })?;
        let verdict: Verdict = documents::validate(&request, as_of);
        Ok(serde_json::to_value(verdict).expect("verdicts serialise"))
    })
}

/// Reads `{"registry": {"family", "given"}, "declared": {...}}` lines and writes one
/// [`names::NameDecision`] per line. Returns the number of lines answered.
pub fn names_match_jsonl(reader: impl BufRead, mut writer: impl Write) -> io::Result<usize> {
    each_line(reader, &mut writer, |value| {
        let request: MatchRequest = serde_json::from_value(value).map_err(|e| e.to_string())?;
        let decision = names::match_names(&request.registry, &request.declared);
        Ok(serde_json::to_value(decision).expect("decisions serialise"))
    })
}

fn each_line(
    reader: impl BufRead,
    writer: &mut impl Write,
    mut answer: impl FnMut(Value) -> Result<Value, String>,
) -> io::Result<usize> {
    let mut count = 0;
    for line in reader.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed = serde_json::from_str::<Value>(&line).map_err(|e| e.to_string());
        let id = parsed.as_ref().ok().and_then(|v| v.get("id")).cloned();
        let body = parsed.and_then(&mut answer).unwrap_or_else(|message| {
            serde_json::to_value(RequestError { request_error: "invalid_json", message }).expect("serialises")
        });
        serde_json::to_writer(&mut *writer, &Line { id, body })?;
        writer.write_all(b"\n")?;
        count += 1;
    }
    writer.flush()?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_input_line_gets_one_output_line_with_its_id() {
        let input = "{\"id\": 7, \"scheme\": \"es.dni\", \"input\": \"12345678Z\"}\n\nnot json\n{\"mrz\": \"x\"}\n";
        let mut out = Vec::new();
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(documents_validate_jsonl(input.as_bytes(), &mut out, as_of).unwrap(), 3);
        let lines: Vec<Value> = String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines[0]["id"], 7);
        assert_eq!(lines[0]["valid"], true);
        assert_eq!(lines[1]["request_error"], "invalid_json");
        assert_eq!(lines[2]["valid"], false);
        // A misspelt field is an error of its line, not silently ignored.
        let mut out = Vec::new();
        documents_validate_jsonl("{\"id\": 1, \"scheme\": \"es.dni\", \"inptu\": \"1\"}\n".as_bytes(), &mut out, as_of).unwrap();
        let line: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!((line["id"].clone(), line["request_error"].clone()), (serde_json::json!(1), serde_json::json!("invalid_json")));
        let message = line["message"].as_str().unwrap();
        assert!(!message.contains("inptu") && message.contains("`input`"), "the key is not repeated, the fields are: {line}");
    }

    #[test]
    fn names_are_matched_line_by_line() {
        let input = r#"{"registry": {"family": "Müller", "given": "Jürgen"}, "declared": {"family": "MUELLER", "given": "JUERGEN"}}"#;
        let mut out = Vec::new();
        names_match_jsonl(input.as_bytes(), &mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["decision"], "match");
        assert_eq!(v["family"], "match");
    }
}
