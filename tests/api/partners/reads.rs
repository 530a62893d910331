//! Batches, the list by cursor with filters, and `ETag` / `If-None-Match`.

use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn a_batch_accepts_the_good_items_and_names_the_fields_of_the_bad_ones() {
    let app = TestApp::spawn().await;
    let (property, key) = madrid_partner(&app).await;
    let good = partner_checkin(&property);
    let mut bad_date = good.clone();
    bad_date["persons"][0]["birth_date"] = json!("2999-01-01");
    let mut wrong_type = good.clone();
    wrong_type["persons"] = json!("nobody");
    let mut unknown_property = good.clone();
    unknown_property["property_id"] = json!("no-such-property");
    let batch = json!({"items": [good, bad_date, wrong_type, unknown_property, good]});
    let resp = post(&app, &key, "/v1/checkins/batch", &batch).await;
    assert_eq!(resp.status(), 200);
    let out: Value = resp.json().await.unwrap();
    assert_eq!((out["accepted"].as_u64(), out["rejected"].as_u64()), (Some(2), Some(3)), "{out}");
    let r = &out["results"];
    assert_eq!(r[0]["outcome"], "accepted");
    assert_eq!(r[0]["status"], "submitted");
    assert_eq!(r[1]["outcome"], "rejected");
    assert_eq!(r[1]["code"], "validation_failed");
    assert_eq!(r[1]["errors"][0]["field"], "persons[0].birth_date", "{out}");
    assert_eq!(r[2]["code"], "malformed_request");
    assert_eq!(r[2]["errors"][0]["field"], "persons");
    assert_eq!(r[3]["code"], "not_found");
    assert_eq!(r[4]["index"], 4);
    assert_ne!(r[0]["id"], r[4]["id"]);
    // Each accepted item is a real check-in.
    let id = r[4]["id"].as_str().unwrap();
    assert_eq!(get(&app, &key, &format!("/v1/checkins/{id}")).await.status(), 200);

    let too_many = json!({"items": vec![partner_checkin(&property); 101]});
    let problem = assert_problem(post(&app, &key, "/v1/checkins/batch", &too_many).await, 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "items");
    assert_problem(post(&app, &key, "/v1/checkins/batch", &json!({"items": []})).await, 400, "malformed_request").await;
}

#[tokio::test]
async fn the_list_pages_by_cursor_and_filters_by_status_and_time() {
    let app = TestApp::spawn().await;
    let (property, key) = madrid_partner(&app).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        app.clock.advance(chrono::Duration::seconds(1));
        let resp = post(&app, &key, "/v1/checkins", &partner_checkin(&property)).await;
        ids.push(resp.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned());
    }
    let mut seen = Vec::new();
    let mut path = "/v1/checkins?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let page: Value = get(&app, &key, &path).await.json().await.unwrap();
        pages += 1;
        seen.extend(page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/checkins?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ids, "every check-in once, oldest first");

    // Run the registry checks: the first three become verified... all of them do.
    app.drain_jobs().await;
    let verified: Value = get(&app, &key, "/v1/checkins?status=verified").await.json().await.unwrap();
    assert_eq!(verified["items"].as_array().unwrap().len(), 5);
    let submitted: Value = get(&app, &key, "/v1/checkins?status=submitted").await.json().await.unwrap();
    assert_eq!(submitted["items"], json!([]));
    let third: Value = get(&app, &key, &format!("/v1/checkins/{}", ids[2])).await.json().await.unwrap();
    let from = urlencode(third["created_at"].as_str().unwrap());
    let later: Value = get(&app, &key, &format!("/v1/checkins?created_from={from}")).await.json().await.unwrap();
    assert_eq!(later["items"].as_array().unwrap().len(), 3);
    let earlier: Value = get(&app, &key, &format!("/v1/checkins?created_before={from}")).await.json().await.unwrap();
    assert_eq!(earlier["items"].as_array().unwrap().len(), 2);

    assert_problem(get(&app, &key, "/v1/checkins?cursor=garbage").await, 400, "malformed_request").await;
    assert_problem(get(&app, &key, "/v1/checkins?limit=1000").await, 400, "malformed_request").await;
    // A value the parameter does not take: the problem names the parameter, never repeats the value.
    for (query, field) in [("status=lost", "status"), ("created_from=yesterday", "created_from"), ("limit=abc", "limit")] {
        let problem = assert_problem(get(&app, &key, &format!("/v1/checkins?{query}")).await, 400, "malformed_request").await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        let value = query.split_once('=').unwrap().1;
        assert!(!problem.to_string().contains(value), "the value is repeated: {problem}");
    }
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn reads_carry_an_etag_and_if_none_match_answers_304_until_the_checkin_changes() {
    let app = TestApp::spawn().await;
    let (property, key) = madrid_partner(&app).await;
    let resp = post(&app, &key, "/v1/checkins", &partner_checkin(&property)).await;
    let id = resp.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/checkins/{id}");
    let first = get(&app, &key, &path).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'));
    let cached = app.client.get(app.url(&path)).bearer_auth(&key).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(cached.status(), 304);
    assert_eq!(cached.headers()["etag"].to_str().unwrap(), etag);
    assert!(cached.bytes().await.unwrap().is_empty());
    app.drain_jobs().await;
    let changed = app.client.get(app.url(&path)).bearer_auth(&key).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(changed.status(), 200, "verified since: a new representation");
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    let list = get(&app, &key, "/v1/checkins").await;
    let list_etag = list.headers()["etag"].to_str().unwrap().to_owned();
    let cached = app.client.get(app.url("/v1/checkins")).bearer_auth(&key).header("If-None-Match", &list_etag).send().await.unwrap();
    assert_eq!(cached.status(), 304);
}

#[tokio::test]
async fn the_documented_examples_are_accepted_as_they_stand() {
    let app = TestApp::spawn().await;
    let (property, key) = madrid_partner(&app).await;
    let doc: Value = serde_json::from_str(&hospes::http::api::router().1.to_json().unwrap()).unwrap();
    let example = |name: &str| doc["components"]["schemas"][name]["example"].clone();
    let mut one = example("CheckinRequest");
    one["property_id"] = property["id"].clone();
    let resp = post(&app, &key, "/v1/checkins", &one).await;
    assert_eq!(resp.status(), 202, "{}", resp.text().await.unwrap());
    let mut batch = example("BatchRequest");
    batch["items"][0]["property_id"] = property["id"].clone();
    let out: Value = post(&app, &key, "/v1/checkins/batch", &batch).await.json().await.unwrap();
    assert_eq!(out["accepted"], 1, "{out}");
    let resp = post(&app, &key, "/v1/webhooks/endpoints", &example("EndpointRequest")).await;
    assert_eq!(resp.status(), 201);
}
