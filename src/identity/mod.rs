//! Identity rules: document-number schemes, ICAO 9303 MRZ, names, dates, jurisdiction profiles,
//! and the intake validation of a whole submission.
//! Pure code: no I/O, no clock (the reference date is always passed in).

pub mod intake;
