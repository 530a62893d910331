//! The pages' message files: every locale under `locales/` parses as Fluent and has exactly the
//! keys of English (the fallback), and every key the templates and page code use exists — the
//! landlord's and tenant's pages, the printable receipt, the police workspace and the admin pages.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The message ids of one locale folder (every `.ftl` in it), failing on any syntax error.
fn keys_of(dir: &Path) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("ftl") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let resource = match fluent_syntax::parser::parse(text.as_str()) {
            Ok(r) => r,
            Err((_, errors)) => panic!("{}: Fluent syntax errors: {errors:?}", path.display()),
        };
        for entry in resource.body {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                assert!(m.value.is_some(), "{}: {} has no value", path.display(), m.id.name);
                assert!(keys.insert(m.id.name.to_owned()), "{}: {} is defined twice", path.display(), m.id.name);
            }
        }
    }
    keys
}

fn locales() -> Vec<(String, BTreeSet<String>)> {
    let mut list: Vec<(String, BTreeSet<String>)> = std::fs::read_dir(root().join("locales"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), keys_of(&p)))
        .collect();
    list.sort();
    list
}

#[test]
fn every_message_key_exists_in_every_language() {
    let locales = locales();
    let tags: Vec<&str> = locales.iter().map(|(t, _)| t.as_str()).collect();
    for required in ["en", "es", "zh-CN"] {
        assert!(tags.contains(&required), "locale {required} is missing: {tags:?}");
    }
    let english = &locales.iter().find(|(t, _)| t == "en").unwrap().1;
    assert!(english.len() > 100, "English has {} keys", english.len());
    for (tag, keys) in &locales {
        let missing: Vec<_> = english.difference(keys).collect();
        let extra: Vec<_> = keys.difference(english).collect();
        assert!(missing.is_empty(), "{tag} lacks {missing:?}");
        assert!(extra.is_empty(), "{tag} has keys English lacks: {extra:?}");
    }
}

/// Keys named literally in a file: the first argument of `.t(`, `.t1(`, `.count(`, `.t_with(`, and any string literal shaped like a key (`word-word…`) in page code.
fn literal_keys(text: &str, code: bool) -> Vec<String> {
    let mut keys = Vec::new();
    for call in [".t(\"", ".t1(\"", ".count(\"", ".t_with(\"", ".hint(\""] {
        for (at, _) in text.match_indices(call) {
            let rest = &text[at + call.len()..];
            keys.push(rest[..rest.find('"').unwrap()].to_owned());
        }
    }
    if code {
        for piece in text.split('"').skip(1).step_by(2) {
            let shaped = piece.contains('-')
                && piece.split('-').all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
            // Header values that look like keys.
            if shaped && !["no-store", "no-cache"].contains(&piece) {
                keys.push(piece.to_owned());
            }
        }
    }
    keys
}

#[test]
fn every_key_the_pages_use_is_defined() {
    let english = keys_of(&root().join("locales/en"));
    let mut used = Vec::new();
    let mut templates = 0;
    for dir in ["templates", "templates/police", "templates/admin"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                templates += 1;
                used.extend(literal_keys(&std::fs::read_to_string(&path).unwrap(), false));
            }
        }
    }
    assert!(templates >= 20, "found only {templates} templates");
    for file in [
        "src/http/web/landlord.rs", "src/http/web/tenant.rs", "src/http/web/sign.rs", "src/http/web/verify.rs",
        "src/http/web/checkin_form.rs", "src/http/web/police.rs", "src/http/web/admin.rs", "src/http/web/enrol.rs",
        "src/http/web/mod.rs", "src/police/charts.rs",
    ] {
        used.extend(literal_keys(&std::fs::read_to_string(root().join(file)).unwrap(), true));
    }
    // Keys the code builds from a value: statuses, events, flags, resolutions, document types,
    // channels, form fields (label and hint).
    for s in ["submitted", "checking", "verified", "flagged", "resolved", "checked_out", "purged"] {
        used.push(format!("status-{s}"));
    }
    for e in ["submitted", "verified", "flagged", "resolved", "checked_out", "purged", "rechecked"] {
        used.push(format!("event-{e}"));
    }
    for f in [
        "identity_mismatch", "not_found", "document_invalid", "document_expired", "document_lost_or_stolen",
        "holder_deceased", "needs_review", "registry_unavailable",
    ] {
        used.push(format!("flag-{f}"));
    }
    for r in hospes::domain::Resolution::ALL {
        used.push(format!("resolution-{}", r.as_str()));
    }
    for d in ["passport", "id_card", "residence_permit", "other"] {
        used.push(format!("document-type-{d}"));
    }
    for c in ["invitation", "landlord", "partner"] {
        used.push(format!("channel-{c}"));
    }
    for f in [
        "given_names", "family_name", "second_family_name", "birth_date", "nationality", "document_type",
        "document_number", "issuing_country", "support_number",
    ] {
        used.push(format!("field-{f}"));
        used.push(format!("field-{f}-hint"));
    }
    // The police workspace's keys built from a value: flag reasons, reasons for opening a
    // record, waiting times, orders, the registry's answers, seal states, compared fields,
    // severities, the resolution-time buckets, roles.
    for f in [
        "identity_mismatch", "not_found", "document_invalid", "document_expired", "document_lost_or_stolen",
        "holder_deceased", "needs_review", "registry_unavailable",
    ] {
        used.push(format!("police-flag-{f}"));
    }
    for r in hospes::domain::AccessReason::ALL {
        used.push(format!("police-access-{}", r.as_str()));
    }
    for a in ["lt1d", "1-3d", "3-7d", "gt7d"] {
        used.push(format!("police-waiting-{a}"));
        used.push(format!("police-age-{a}"));
    }
    for o in ["oldest", "newest", "severity"] {
        used.push(format!("police-sort-{o}"));
    }
    for r in [
        "match", "probable_match", "needs_review", "needs_transliteration", "no_match", "not_found", "valid", "expired",
        "revoked", "lost_or_stolen", "holder_deceased",
    ] {
        used.push(format!("police-registry-{r}"));
    }
    for s in ["verified", "invalid", "unchecked"] {
        used.push(format!("police-seal-{s}"));
    }
    for f in ["family_name", "given_names", "birth_date", "document"] {
        used.push(format!("police-field-{f}"));
    }
    for level in 1..=5 {
        used.push(format!("police-severity-{level}"));
    }
    for bucket in 0..hospes::police::stats::RESOLUTION_BUCKETS.len() {
        used.push(format!("chart-bucket-{bucket}"));
    }
    for role in ["police", "admin", "landlord"] {
        used.push(format!("admin-role-{role}"));
    }
    let used: BTreeSet<String> = used.into_iter().collect();
    assert!(used.len() > 100, "found only {} keys in use; is the scan broken?", used.len());
    let undefined: Vec<_> = used.iter().filter(|k| !english.contains(*k)).collect();
    assert!(undefined.is_empty(), "used but not defined: {undefined:?}");
}

/// The source text of each message of a locale folder (the lines of its definition).
fn sources_of(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let mut sources = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("ftl") {
            continue;
        }
        let mut current: Option<String> = None;
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let starts_message = line.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && line.contains(" =");
            if starts_message {
                let (key, value) = line.split_once(" =").unwrap();
                current = Some(key.to_owned());
                sources.insert(key.to_owned(), value.to_owned());
            } else if line.starts_with(' ') || line.starts_with('}') {
                if let Some(key) = &current {
                    sources.get_mut(key).unwrap().push_str(line);
                }
            } else {
                current = None;
            }
        }
    }
    sources
}

/// The police workspace, the admin pages and the printable receipt are translated, not English
/// through the fallback: each of their messages differs from English in Spanish and in Chinese,
/// except the few that are the same in both (units, symbols, punctuation).
#[test]
fn the_police_admin_and_print_messages_are_translated_in_every_language() {
    let english = sources_of(&root().join("locales/en"));
    let workspace: Vec<&String> = english
        .keys()
        .filter(|k| ["police-", "admin-", "audit-", "enrol-", "chart-", "print-"].iter().any(|p| k.starts_with(p)))
        .collect();
    assert!(workspace.len() > 150, "only {} workspace keys", workspace.len());
    let same_everywhere = |k: &str| k.starts_with("chart-bucket-") || k.starts_with("police-duration-") || k == "print-qr-check-end";
    for tag in ["es", "zh-CN"] {
        let translated = sources_of(&root().join("locales").join(tag));
        let untranslated: Vec<&&String> = workspace.iter().filter(|k| !same_everywhere(k) && translated.get(**k) == english.get(**k)).collect();
        assert!(untranslated.is_empty(), "{tag}: still English: {untranslated:?}");
        assert!(root().join("locales").join(tag).join("police.ftl").is_file(), "{tag} has no police.ftl");
    }
}
