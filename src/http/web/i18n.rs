//! The language of the landlord's and the tenant's pages: every string of those pages lives in a
//! Fluent message file, `locales/<BCP 47 tag>/*.ftl`, embedded at build time. A new language is a
//! new folder (with every key the English folder has; a test checks it) and needs no code change.
//!
//! The language of a request is, in order: a `lang` query parameter (the switch on every page; it
//! also sets the `lang` cookie), the `lang` cookie, the `Accept-Language` header (RFC 9110
//! §12.5.4, negotiated against the available locales with RFC 4647 lookup), English.
//!
//! Dates and times are formatted with chrono patterns that each locale's file defines
//! (`format-date`, `format-datetime`), so a locale chooses its own order and separators; counts go
//! through Fluent's plural rules of the locale. Other figures (sizes, indices, durations, chart
//! axes) are formatted with ICU4X's `DecimalFormatter` (CLDR grouping and separators: 1,234,567.5
//! in English, 1.234.567,5 in Spanish), and lists of names are ordered with ICU4X's collator for
//! the page's language ([`Lang::sort_by_name`]). No personal data passes through this module's
//! logs (it logs nothing).

use std::borrow::Cow;
use std::collections::HashMap;
use std::convert::Infallible;

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around placeables: they would end up inside attribute
        // values and text that tests and screen readers compare.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The cookie that remembers the language chosen with the switch.
pub const LANG_COOKIE: &str = "lang";

/// The language of one page. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Lang(LanguageIdentifier);

/// A language offered by the switch: its tag and its own name for itself.
pub struct LangChoice {
    pub tag: String,
    pub name: String,
    pub current: bool,
}

impl Default for Lang {
    fn default() -> Self {
        Lang(fallback())
    }
}

fn fallback() -> LanguageIdentifier {
    "en".parse().expect("a valid tag")
}

/// The languages that have message files, sorted by tag.
pub fn available() -> Vec<LanguageIdentifier> {
    let mut list: Vec<LanguageIdentifier> = LOCALES.locales().cloned().collect();
    list.sort_by_key(|l| l.to_string());
    list
}

impl Lang {
    /// The best available language for a list of requested ones (most preferred first), or English.
    pub fn negotiate(requested: &[LanguageIdentifier]) -> Lang {
        let available = available();
        let default = fallback();
        let chosen = fluent_langneg::negotiate_languages(
            requested,
            &available,
            Some(&default),
            fluent_langneg::NegotiationStrategy::Lookup,
        );
        Lang(chosen.first().map(|l| (*l).clone()).unwrap_or(default))
    }

    /// The language an exact tag names, if it has message files (`zh-CN`, `es`; case-insensitive).
    pub fn exact(tag: &str) -> Option<Lang> {
        let wanted: LanguageIdentifier = tag.parse().ok()?;
        available().into_iter().find(|l| *l == wanted).map(Lang)
    }

    /// From an `Accept-Language` header value (RFC 9110 §12.5.4).
    pub fn from_accept_language(value: &str) -> Lang {
        Lang::negotiate(&fluent_langneg::accepted_languages::parse(value))
    }

    /// The BCP 47 tag, for `<html lang>`.
    pub fn tag(&self) -> String {
        self.0.to_string()
    }

    /// The message `key`, in this language (falling back to English, then to the key itself).
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(&self.0, key)
    }

    /// The message `key` with named arguments.
    pub fn t_with(&self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        LOCALES.lookup_with_args(&self.0, key, &fluent_args(args))
    }

    /// The message `key` with one string argument `$name`.
    pub fn t1(&self, key: &str, name: &'static str, value: &str) -> String {
        self.t_with(key, &[(name, FluentValue::from(value.to_owned()))])
    }

    /// The message `key` with a count `$count`, through the locale's plural rules.
    /// (By value or by reference: templates pass their arguments by reference.)
    pub fn count(&self, key: &str, count: impl std::borrow::Borrow<i64>) -> String {
        self.t_with(key, &[("count", FluentValue::from(*count.borrow()))])
    }

    /// The message `key` with a count that chooses the plural form (`$count`) and is also shown
    /// as a figure in the locale's grouping (`$figure`: "a tree of 1,234,567 seals").
    pub fn count_figure(&self, key: &str, count: impl std::borrow::Borrow<i64>) -> String {
        let n = *count.borrow();
        self.t_with(key, &[("count", FluentValue::from(n)), ("figure", FluentValue::from(self.number(n)))])
    }

    /// The hint message `key` in the locale's parentheses (`hint-wrap`: "(…)", "（…）").
    pub fn hint(&self, key: &str) -> String {
        self.t1("hint-wrap", "hint", &self.t(key))
    }

    /// The message `key` if this language (or English) defines it.
    pub fn try_t(&self, key: &str) -> Option<String> {
        LOCALES.try_lookup(&self.0, key)
    }

    /// The message `key` with one string argument `$name`, if this language (or English)
    /// defines it (a message with an argument does not resolve without it).
    pub fn try_t1(&self, key: &str, name: &'static str, value: &str) -> Option<String> {
        LOCALES.try_lookup_with_args(&self.0, key, &fluent_args(&[(name, FluentValue::from(value.to_owned()))]))
    }

    /// A date, in the locale's `format-date` pattern (chrono's strftime syntax).
    pub fn date(&self, d: chrono::NaiveDate) -> String {
        d.format(&self.t("format-date")).to_string()
    }

    /// A date and time, in the locale's `format-datetime` pattern, with the time's own offset.
    pub fn datetime<Tz: chrono::TimeZone>(&self, t: &chrono::DateTime<Tz>) -> String
    where
        Tz::Offset: std::fmt::Display,
    {
        t.format(&self.t("format-datetime")).to_string()
    }

    /// The ICU4X locale of this language (its tag; `und`, the root locale, if ICU4X rejects it).
    fn icu_locale(&self) -> icu_locale_core::Locale {
        icu_locale_core::Locale::try_from_str(&self.tag()).unwrap_or(icu_locale_core::Locale::UNKNOWN)
    }

    /// A figure in the locale's digits, grouping and decimal separator (CLDR, through ICU4X's
    /// compiled data): `1,234,567.5` in English, `1.234.567,5` in Spanish. Counts that choose
    /// a plural form go through [`Lang::count`] instead.
    pub fn number(&self, n: impl Into<icu_decimal::input::Decimal>) -> String {
        self.decimal(&n.into())
    }

    /// A decimal written in Rust's own notation (`"1234567.5"`), in the locale's notation; text
    /// that is not a decimal comes back unchanged.
    pub fn number_str(&self, n: &str) -> String {
        match icu_decimal::input::Decimal::try_from_str(n) {
            Ok(d) => self.decimal(&d),
            Err(_) => n.to_owned(),
        }
    }

    fn decimal(&self, d: &icu_decimal::input::Decimal) -> String {
        match icu_decimal::DecimalFormatter::try_new(self.icu_locale().into(), Default::default()) {
            Ok(f) => f.format_to_string(d),
            Err(_) => d.to_string(),
        }
    }

    /// Sorts `items` by the name `name` gives each, in this language's collation order (ICU4X's
    /// collator with CLDR's tailoring: Spanish puts ñ after n, Chinese orders Han names by
    /// pinyin). Every page that lists persons or names orders them with this one function.
    pub fn sort_by_name<T>(&self, items: &mut [T], name: impl Fn(&T) -> String) {
        match icu_collator::CollatorBorrowed::try_new(self.icu_locale().into(), Default::default()) {
            Ok(collator) => items.sort_by(|a, b| collator.compare(&name(a), &name(b))),
            Err(_) => items.sort_by_cached_key(|item| name(item)),
        }
    }

    /// A date and time to the second, in the locale's `format-datetime-seconds` pattern (the
    /// police workspace's seals and audit entries).
    pub fn datetime_seconds<Tz: chrono::TimeZone>(&self, t: &chrono::DateTime<Tz>) -> String
    where
        Tz::Offset: std::fmt::Display,
    {
        t.format(&self.t("format-datetime-seconds")).to_string()
    }

    /// A field error in this language: the message `error-<form field>-<code>`, else
    /// `error-<code>`, else the identity module's English message.
    pub fn field_error(&self, form_field: &str, e: &crate::domain::FieldError) -> String {
        self.try_t(&format!("error-{form_field}-{}", e.code))
            .or_else(|| self.try_t(&format!("error-{}", e.code)))
            .unwrap_or_else(|| e.message.clone())
    }

    /// A retention period in words ("3 years after check-out").
    pub fn retention(&self, r: &crate::identity::profile::Retention) -> String {
        use crate::identity::profile::{Period, Retention};
        match r {
            Retention::AfterCheckOut(Period::Days(d)) => self.count("retention-days", i64::from(*d)),
            Retention::AfterCheckOut(Period::Months(m)) if m % 12 == 0 => self.count("retention-years", i64::from(*m / 12)),
            Retention::AfterCheckOut(Period::Months(m)) => self.count("retention-months", i64::from(*m)),
            Retention::UntilTransmitted => self.t("retention-until-transmitted"),
        }
    }

    /// The language switch: every available language by its own name.
    pub fn choices(&self) -> Vec<LangChoice> {
        available()
            .into_iter()
            .map(|l| LangChoice { name: LOCALES.lookup(&l, "language-name"), tag: l.to_string(), current: l == self.0 })
            .collect()
    }
}

/// A person's full name in their own name's order, whatever the page's language: family name
/// first and no space for names written in Han, Hangul or kana (吴涛); otherwise given names,
/// family name, second family name (Hans Müller, Ana García López).
pub fn full_name(p: &crate::domain::Person) -> String {
    use unicode_script::{Script, UnicodeScript};
    let east_asian = |s: &str| {
        s.chars().any(|c| matches!(c.script(), Script::Han | Script::Hangul | Script::Hiragana | Script::Katakana))
    };
    if east_asian(&p.family_name) && (p.given_names.is_empty() || east_asian(&p.given_names)) {
        return format!("{}{}", p.family_name, p.given_names);
    }
    [Some(p.given_names.as_str()), Some(p.family_name.as_str()), p.second_family_name.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The key a list of persons is ordered by (with [`Lang::sort_by_name`]): family name, second
/// family name, given names, as lists of persons in registers are.
pub fn listing_name(p: &crate::domain::Person) -> String {
    [Some(p.family_name.as_str()), p.second_family_name.as_deref(), Some(p.given_names.as_str())]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn query_lang(parts: &Parts) -> Option<Lang> {
    let query = parts.uri.query()?;
    url_lang(query)
}

fn url_lang(query: &str) -> Option<Lang> {
    query.split('&').filter_map(|p| p.split_once('=')).find(|(k, _)| *k == "lang").and_then(|(_, v)| Lang::exact(v))
}

fn cookie_lang(parts: &Parts) -> Option<Lang> {
    crate::http::auth::cookie(parts, LANG_COOKIE).and_then(|v| Lang::exact(&v))
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        if let Some(lang) = query_lang(parts).or_else(|| cookie_lang(parts)) {
            return Ok(lang);
        }
        let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        Ok(Lang::from_accept_language(accept))
    }
}

/// Named arguments as fluent-templates takes them.
fn fluent_args(args: &[(&'static str, FluentValue<'static>)]) -> HashMap<Cow<'static, str>, FluentValue<'static>> {
    args.iter().map(|(k, v)| (Cow::Borrowed(*k), v.clone())).collect()
}

/// Remembers a language chosen with the switch (`?lang=zh-CN`) in the `lang` cookie, for a year.
pub async fn remember_choice(request: Request, next: Next) -> Response {
    let chosen = request.uri().query().and_then(url_lang);
    let mut response = next.run(request).await;
    if let Some(lang) = chosen {
        let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.tag());
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_available_language() {
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8").tag(), "zh-CN");
        assert_eq!(Lang::from_accept_language("es-ES,es;q=0.9").tag(), "es");
        assert_eq!(Lang::from_accept_language("de-DE, fr;q=0.5").tag(), "en");
        assert_eq!(Lang::from_accept_language("").tag(), "en");
        assert_eq!(Lang::from_accept_language("fr;q=0.9, es;q=0.8").tag(), "es");
        assert_eq!(Lang::from_accept_language("es-MX").tag(), "es");
        assert_eq!(Lang::from_accept_language("zh").tag(), "zh-CN");
        assert_eq!(Lang::from_accept_language("zh-Hans-CN").tag(), "zh-CN");
    }

    #[test]
    fn full_names_follow_the_names_own_order() {
        let person = |given: &str, family: &str, second: Option<&str>| {
            let mut p: crate::domain::Person = serde_json::from_value(serde_json::json!({
                "given_names": given, "family_name": family, "birth_date": "1990-01-01", "nationality": "CHN",
                "document": {"type": "passport", "number": "X", "issuing_country": "CHN"}
            }))
            .unwrap();
            p.second_family_name = second.map(str::to_owned);
            p
        };
        assert_eq!(full_name(&person("涛", "吴", None)), "吴涛");
        assert_eq!(full_name(&person("Hans", "Müller", None)), "Hans Müller");
        assert_eq!(full_name(&person("Ana", "García", Some("López"))), "Ana García López");
        assert_eq!(full_name(&person("Tao", "Wu", None)), "Tao Wu");
    }

    #[test]
    fn the_switch_accepts_only_available_tags() {
        assert_eq!(Lang::exact("zh-CN").unwrap().tag(), "zh-CN");
        assert!(Lang::exact("xx").is_none());
        assert!(Lang::exact("<script>").is_none());
    }

    #[test]
    fn dates_and_counts_follow_the_locale() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(Lang::exact("zh-CN").unwrap().date(d), "2026年12月1日");
        assert_eq!(Lang::exact("es").unwrap().date(d), "1/12/2026");
        assert_eq!(Lang::exact("en").unwrap().count("guests", 1), "1 guest");
        assert_eq!(Lang::exact("en").unwrap().count("guests", 3), "3 guests");
        assert_eq!(Lang::exact("es").unwrap().count("guests", 2), "2 huéspedes");
    }

    #[test]
    fn a_message_with_an_argument_is_found_in_the_readers_language() {
        let es = Lang::from_accept_language("es");
        assert_eq!(es.try_t("recipient-police-data"), None, "without its argument it does not resolve");
        let text = es.try_t1("recipient-police-data", "jurisdiction", "ES-M").unwrap();
        assert!(text.contains("revisores policiales de") && text.contains("ES-M"), "{text}");
        assert_eq!(es.try_t1("no-such-key", "jurisdiction", "ES-M"), None);
        assert_eq!(Lang::from_accept_language("zh-CN").t("channel-partner"), "由合作系统提交");
    }

    #[test]
    fn figures_use_the_locales_grouping_and_decimal_separator() {
        let figure = |tag: &str| Lang::exact(tag).unwrap().number_str("1234567.5");
        assert_eq!(figure("en"), "1,234,567.5");
        assert_eq!(figure("es"), "1.234.567,5");
        assert_eq!(figure("zh-CN"), "1,234,567.5");
        let es = Lang::exact("es").unwrap();
        assert_eq!(es.number(1_048_576u64), "1.048.576");
        // CLDR: Spanish groups from five digits on (minimum grouping digits 2).
        assert_eq!(es.number(4096i64), "4096");
        assert_eq!(Lang::exact("en").unwrap().number(4096usize), "4,096");
        assert_eq!(es.number_str("not a number"), "not a number");
    }

    #[test]
    fn names_are_ordered_by_the_pages_collation() {
        let sorted = |tag: &str, names: &[&str]| {
            let mut list: Vec<String> = names.iter().map(|s| s.to_string()).collect();
            Lang::exact(tag).unwrap().sort_by_name(&mut list, |s| s.clone());
            list
        };
        // Accents and case do not decide before the letters do; ñ follows n in Spanish.
        assert_eq!(sorted("en", &["Zoë", "Émile", "adam"]), ["adam", "Émile", "Zoë"]);
        assert_eq!(sorted("es", &["Ñúñez", "Nuñez", "Oliva", "Núñez"]), ["Nuñez", "Núñez", "Ñúñez", "Oliva"]);
        // Chinese: by pinyin (李 lǐ, 王 wáng, 张 zhāng), not by code point.
        assert_eq!(sorted("zh-CN", &["张伟", "王芳", "李娜"]), ["李娜", "王芳", "张伟"]);
    }
}
