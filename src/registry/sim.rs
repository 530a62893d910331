//! The simulated population registry: a synthetic population, generated deterministically from a
//! seed, whose document numbers are valid under their schemes (Spain DNI/NIE, China resident
//! identity card, passports), and whose truth (document status) the simulator knows.
//!
//! It answers checks exactly like a real registry would under hospes's protocol (per-field
//! results and document status), and issues identity credentials (see [`super::credential`])
//! signed with a key derived from the seed — a simulator's key, never a secret.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use chrono::NaiveDate;
use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{IdentityClaim, Registry, RegistryError};
use crate::domain::{Document, DocumentKind, DocumentStatus, FieldMatch, Person, PersonCheck};
use crate::identity::names::{NameParts, match_names};

/// Population of `serve`'s in-process registry unless configured otherwise.
pub const DEFAULT_POPULATION: usize = 1000;
/// Seed of `serve`'s in-process registry unless configured otherwise.
pub const DEFAULT_SEED: u64 = 42;

/// What the registry knows about a synthetic person beyond what they would declare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Truth {
    pub document_status: DocumentStatus,
}

/// One synthetic person: printed by `hospes registry-sim people` as the person fields of a
/// check-in submission plus `truth`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyntheticPerson {
    #[serde(flatten)]
    pub person: Person,
    pub truth: Truth,
}

/// A seeded synthetic population, indexed by document.
#[derive(Debug, Clone)]
pub struct Population {
    pub seed: u64,
    pub people: Vec<SyntheticPerson>,
    by_document: HashMap<(String, String), usize>,
}

struct Locale {
    nationality: &'static str,
    weight: u32,
    given: &'static [&'static str],
    family: &'static [&'static str],
    two_surnames: bool,
}

const LOCALES: &[Locale] = &[
    Locale {
        nationality: "ESP",
        weight: 25,
        given: &["María José", "Antonio", "Carmen", "Manuel", "Lucía", "Javier", "Ana", "Francisco", "Laura", "David", "Sofía", "Pablo", "Elena", "Sergio", "Marta", "Álvaro", "Nuria", "Iñigo"],
        family: &["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Núñez", "Ibáñez"],
        two_surnames: true,
    },
    Locale {
        nationality: "CHN",
        weight: 20,
        given: &["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞"],
        family: &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"],
        two_surnames: false,
    },
    Locale {
        nationality: "DEU",
        weight: 12,
        given: &["Jürgen", "Anna", "Lukas", "Sophie", "Maximilian", "Marie", "Jörg", "Lena", "Felix", "Hannah", "Björn", "Käthe"],
        family: &["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Köhler", "Groß"],
        two_surnames: false,
    },
    Locale {
        nationality: "FRA",
        weight: 10,
        given: &["Élodie", "Jean-Pierre", "Camille", "Benoît", "Chloé", "Hélène", "François", "Léa", "Mathéo", "Inès"],
        family: &["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Lefèvre", "Moreau", "D'Aubigné", "Le Gall"],
        two_surnames: false,
    },
    Locale {
        nationality: "ITA",
        weight: 10,
        given: &["Giulia", "Francesco", "Chiara", "Alessandro", "Sofia", "Lorenzo", "Martina", "Niccolò"],
        family: &["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "De Luca", "D'Angelo"],
        two_surnames: false,
    },
    Locale {
        nationality: "GBR",
        weight: 8,
        given: &["Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Jack", "Emily"],
        family: &["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "O'Connor"],
        two_surnames: false,
    },
    Locale {
        nationality: "USA",
        weight: 8,
        given: &["James", "Mary", "Robert", "Patricia", "Michael", "Jennifer"],
        family: &["Johnson", "Miller", "Davis", "Garcia", "Wilson", "Anderson"],
        two_surnames: false,
    },
    Locale {
        nationality: "MAR",
        weight: 7,
        given: &["Mohamed", "Fatima", "Youssef", "Khadija", "Omar", "Salma"],
        family: &["El Amrani", "Benali", "Alaoui", "Bennani", "Tazi"],
        two_surnames: false,
    },
];

/// China: a few current county-level region codes (GB/T 2260).
const CN_REGIONS: &[&str] = &["110101", "310101", "440103", "120101", "510104", "330102", "420102", "610102"];
const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
const PASSPORT_CHARS: &[u8] = b"CFGHJKLMNPRTVWXYZ0123456789";

impl Population {
    /// Generates `n` people from `seed`; the same pair always gives the same population.
    pub fn generate(n: usize, seed: u64) -> Population {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut people = Vec::with_capacity(n);
        let mut by_document = HashMap::with_capacity(n);
        let total: u32 = LOCALES.iter().map(|l| l.weight).sum();
        while people.len() < n {
            let mut pick = rng.gen_range(0..total);
            let locale = LOCALES
                .iter()
                .find(|l| {
                    if pick < l.weight {
                        true
                    } else {
                        pick -= l.weight;
                        false
                    }
                })
                .expect("weights cover the range");
            let person = synthesise(&mut rng, locale);
            let status = match rng.gen_range(0..100) {
                0..82 => DocumentStatus::Valid,
                82..88 => DocumentStatus::Expired,
                88..92 => DocumentStatus::Revoked,
                92..96 => DocumentStatus::LostOrStolen,
                _ => DocumentStatus::HolderDeceased,
            };
            let key = (person.document.issuing_country.clone(), person.document.number.clone());
            if by_document.contains_key(&key) {
                continue;
            }
            by_document.insert(key, people.len());
            people.push(SyntheticPerson { person, truth: Truth { document_status: status } });
        }
        Population { seed, people, by_document }
    }

    /// The person holding the document `number` issued by `country`.
    pub fn find(&self, country: &str, number: &str) -> Option<&SyntheticPerson> {
        self.by_document.get(&(country.to_owned(), number.to_owned())).map(|&i| &self.people[i])
    }

    /// The key with which this population's registry signs identity credentials, derived from the
    /// seed (a simulator's key: anyone who knows the seed can forge credentials).
    pub fn credential_key(&self) -> SigningKey {
        let digest = Sha256::new().chain_update(b"hospes registry-sim credential key v1").chain_update(self.seed.to_be_bytes()).finalize();
        SigningKey::from_bytes(&digest.into())
    }
}

fn synthesise(rng: &mut ChaCha8Rng, locale: &Locale) -> Person {
    let pick = |rng: &mut ChaCha8Rng, list: &[&str]| list.choose(rng).expect("non-empty list").to_string();
    let mut given_names = pick(rng, locale.given);
    if locale.nationality != "CHN" && rng.gen_bool(0.2) {
        let second = pick(rng, locale.given);
        if second != given_names {
            given_names = format!("{given_names} {second}");
        }
    }
    let family_name = pick(rng, locale.family);
    let second_family_name = locale.two_surnames.then(|| pick(rng, locale.family));
    let birth_date = NaiveDate::from_ymd_opt(1945, 1, 1).expect("valid date")
        + chrono::Days::new(rng.gen_range(0..(61 * 365)));
    let sex = if rng.gen_bool(0.5) { "F" } else { "M" };
    let (kind, number, issuing_country, support_number) = match locale.nationality {
        "ESP" => {
            let n: u32 = rng.gen_range(0..100_000_000);
            let number = format!("{n:08}{}", DNI_LETTERS[(n % 23) as usize] as char);
            let support = format!("{}{:06}", random_letters(rng, 3), rng.gen_range(0..1_000_000));
            (DocumentKind::IdCard, number, "ESP", Some(support))
        }
        "MAR" => {
            let prefix = rng.gen_range(0..3u32);
            let n: u32 = rng.gen_range(0..10_000_000);
            let value = prefix * 10_000_000 + n;
            let number = format!("{}{n:07}{}", ['X', 'Y', 'Z'][prefix as usize], DNI_LETTERS[(value % 23) as usize] as char);
            let support = format!("E{:08}", rng.gen_range(0..100_000_000u32));
            (DocumentKind::ResidencePermit, number, "ESP", Some(support))
        }
        "CHN" => (DocumentKind::IdCard, china_ric(rng, birth_date, sex), "CHN", None),
        "DEU" => (DocumentKind::Passport, passport(rng, b"CFGHJK", 9), "DEU", None),
        "FRA" => {
            let number = format!("{:02}{}{:05}", rng.gen_range(0..100), random_letters(rng, 2), rng.gen_range(0..100_000));
            (DocumentKind::Passport, number, "FRA", None)
        }
        "ITA" => (DocumentKind::Passport, format!("{}{:07}", random_letters(rng, 2), rng.gen_range(0..10_000_000)), "ITA", None),
        other => (DocumentKind::Passport, format!("{:09}", rng.gen_range(100_000_000..1_000_000_000u32)), other, None),
    };
    Person {
        given_names,
        family_name,
        second_family_name,
        birth_date,
        nationality: locale.nationality.to_owned(),
        sex: Some(sex.to_owned()),
        document: Document { kind, number, issuing_country: issuing_country.to_owned(), support_number },
        guardian: None,
    }
}

fn random_letters(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n).map(|_| rng.gen_range(b'A'..=b'Z') as char).collect()
}

fn passport(rng: &mut ChaCha8Rng, first: &[u8], len: usize) -> String {
    let mut s = String::with_capacity(len);
    s.push(*first.choose(rng).expect("non-empty") as char);
    while s.len() < len {
        s.push(*PASSPORT_CHARS.choose(rng).expect("non-empty") as char);
    }
    s
}

/// GB 11643-1999: region, birth date, sequence (odd for men), ISO 7064 MOD 11-2 check character.
fn china_ric(rng: &mut ChaCha8Rng, birth: NaiveDate, sex: &str) -> String {
    let region = CN_REGIONS.choose(rng).expect("non-empty");
    let mut seq: u32 = rng.gen_range(0..500) * 2;
    if sex == "M" {
        seq += 1;
    }
    let body = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

/// The in-process simulated registry.
#[derive(Debug, Clone)]
pub struct SimulatedRegistry {
    population: std::sync::Arc<Population>,
}

impl SimulatedRegistry {
    pub fn new(population: Population) -> Self {
        SimulatedRegistry { population: std::sync::Arc::new(population) }
    }

    pub fn population(&self) -> &Population {
        &self.population
    }

    /// Answers a check from the population (the same function serves `hospes registry-sim`).
    pub fn answer(&self, claim: &IdentityClaim) -> PersonCheck {
        let Some(record) = self.population.find(&claim.document.issuing_country, &claim.document.number) else {
            return PersonCheck { found: false, family_name: None, given_names: None, birth_date: None, document_status: None };
        };
        let truth = &record.person;
        // The whole name is compared at once, so that swapped family and given names, a missing
        // second surname or a second given name are judged by the name rules as a whole.
        let declared = NameParts {
            family: match &claim.second_family_name {
                Some(second) => format!("{} {second}", claim.family_name),
                None => claim.family_name.clone(),
            },
            given: claim.given_names.clone(),
        };
        let names = match_names(&NameParts::from_person(truth), &declared);
        let birth = if truth.birth_date.format("%Y-%m-%d").to_string() == claim.birth_date {
            FieldMatch::Match
        } else {
            FieldMatch::NoMatch
        };
        PersonCheck {
            found: true,
            family_name: Some(names.family),
            given_names: Some(names.given),
            birth_date: Some(birth),
            document_status: Some(record.truth.document_status),
        }
    }
}

#[async_trait]
impl Registry for SimulatedRegistry {
    async fn check(&self, claim: &IdentityClaim) -> Result<PersonCheck, RegistryError> {
        Ok(self.answer(claim))
    }

    async fn credential_keys(&self) -> Result<BTreeMap<String, VerifyingKey>, RegistryError> {
        let key = self.population.credential_key().verifying_key();
        Ok(BTreeMap::from([(crate::seal::keyring::thumbprint(&key), key)]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_population() {
        let a = Population::generate(200, 7);
        let b = Population::generate(200, 7);
        assert_eq!(a.people, b.people);
        assert_ne!(a.people, Population::generate(200, 8).people);
    }

    #[test]
    fn dni_and_ric_numbers_carry_valid_check_characters() {
        let pop = Population::generate(500, 1);
        let mut seen = (0, 0);
        for p in &pop.people {
            let n = &p.person.document.number;
            if p.person.nationality == "ESP" {
                let digits: u32 = n[..8].parse().unwrap();
                assert_eq!(n.as_bytes()[8], DNI_LETTERS[(digits % 23) as usize]);
                seen.0 += 1;
            }
            if p.person.nationality == "CHN" {
                assert_eq!(&n[6..14], p.person.birth_date.format("%Y%m%d").to_string());
                seen.1 += 1;
            }
        }
        assert!(seen.0 > 50 && seen.1 > 50, "{seen:?}");
    }

    #[test]
    fn a_declared_person_matches_and_a_wrong_birth_date_does_not() {
        let reg = SimulatedRegistry::new(Population::generate(50, 3));
        let person = reg.population().people[0].person.clone();
        let mut claim = IdentityClaim::from(&person);
        let answer = reg.answer(&claim);
        assert!(answer.found);
        assert_eq!(answer.family_name, Some(FieldMatch::Match));
        assert_eq!(answer.birth_date, Some(FieldMatch::Match));
        claim.birth_date = "1900-01-01".into();
        assert_eq!(reg.answer(&claim).birth_date, Some(FieldMatch::NoMatch));
        claim.document.number = "NOPE".into();
        assert!(!reg.answer(&claim).found);
    }
}
