//! The partner interface: keys (scopes, jurisdictions, revocation, rate limits), idempotency,
//! batches, pagination and validators, and webhooks (outbox, signatures, retries, `410`,
//! redelivery, the attempts log).

mod keys;
mod reads;
pub mod webhooks;

use serde_json::{Value, json};

use crate::helpers::*;

/// A partner with a key of `scopes` in `jurisdictions` (made as `hospes partners` makes them):
/// `(partner id, key)`.
pub async fn partner_key(app: &TestApp, name: &str, scopes: &[&str], jurisdictions: &[&str], rate: i64) -> (String, String) {
    let partner = match app.app.store.partners().await.unwrap().into_iter().find(|p| p.name == name) {
        Some(p) => p,
        None => {
            let p = hospes::partners::new_partner(name, app.app.now()).unwrap();
            app.app.store.create_partner(&p).await.unwrap();
            p
        }
    };
    let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
    let jurisdictions: Vec<String> = jurisdictions.iter().map(|s| s.to_string()).collect();
    let new = hospes::partners::new_key(&partner.id, &scopes, &jurisdictions, rate, app.app.now()).unwrap();
    app.app.store.create_partner_key(&new.record).await.unwrap();
    (partner.id, new.key)
}

pub const ALL: &[&str] = &["checkins:write", "checkins:read", "webhooks:manage", "seals:read"];

/// A Madrid property (of some landlord) and a partner key for Madrid with every scope.
pub async fn madrid_partner(app: &TestApp) -> (Value, String) {
    let landlord = app.landlord("owner@example.com").await;
    let property = app.madrid_property(&landlord).await;
    let (_, key) = partner_key(app, "Agency", ALL, &["ES-M"], 1000).await;
    (property, key)
}

/// A check-in body for a partner: one valid Spanish person at `property`.
pub fn partner_checkin(property: &Value) -> Value {
    json!({"property_id": property["id"], "stay": stay_json(), "persons": [person_json(person_with("valid", Some("ESP")))],
           "contact": {"phone": "+34 600 000 000"}})
}

pub async fn post(app: &TestApp, key: &str, path: &str, body: &Value) -> reqwest::Response {
    app.client.post(app.url(path)).bearer_auth(key).json(body).send().await.unwrap()
}

pub async fn get(app: &TestApp, key: &str, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).bearer_auth(key).send().await.unwrap()
}
