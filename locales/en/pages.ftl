# hospes: the landlord's and the tenant's pages, English (the fallback language).
# Every key here must exist in every locale folder (tests/i18n.rs checks it).
# format-* are chrono strftime patterns (https://docs.rs/chrono/latest/chrono/format/strftime/).

language-name = English
format-date = %-d %b %Y
format-datetime = %-d %b %Y, %H:%M
format-datetime-seconds = %-d %b %Y, %H:%M:%S
format-day-month = %-d %b
list-separator = {", "}
skip-to-content = Skip to the content
language-switch = Language
hint-wrap = ({ $hint })
back = Back

## Sign-in
login-title = Sign in
login-email = E-mail address
login-password = Password
login-submit = Sign in
login-wrong = Wrong e-mail address or password.
login-police-elsewhere = Police officers and administrators sign in at /police/login, with their second factor.
login-rate-limited = { $count ->
    [one] Too many failed attempts. Try again in a minute.
   *[other] Too many failed attempts. Try again in { $count } minutes.
}

## Properties
properties-title = Your properties
sign-out = Sign out
properties-none = No property yet. Add the first one below.
properties-add = Add a property
properties-add-submit = Add property
form-correct-marked = Please correct the marked fields.
property-name = Name
property-name-hint = e.g. Flat 3B
property-address = Address
property-jurisdiction = Jurisdiction
property-jurisdiction-hint = ISO 3166-2 code, e.g. ES-M
property-time-zone = Time zone
property-time-zone-hint = e.g. Europe/Madrid
all-properties = All properties
property-checkin-heading = Check in a tenant
property-checkins = Check-ins
property-no-checkins = No check-in yet.
property-qr-heading = Check-in QR code
property-qr-text = Tenants scan this code with their phone to check themselves in.
property-qr-alt = QR code of the tenant's check-in form
property-door-sign = Printable door sign
property-open-form = Open the tenant's form

## Photo of a tenant's identity QR code
scan-label = Photograph the tenant's identity QR code
scan-hint = Use the back camera; fill the frame with the code. JPEG or PNG.
scan-preview = Preview of the chosen photo
scan-submit = Read the photo
scan-type-instead = Type the tenant's details instead
scan-read-ok = Read from the tenant's identity credential; the registry's signature is valid. Check the stay and add a contact.
scan-error-heading = The photo could not be used
scan-error-heic = This phone saved the photo as HEIC, which cannot be read here. In the camera settings choose "Most compatible" (JPEG), or take a screenshot of the code, and try again.
scan-error-format = { $format } photos cannot be read here. In the camera settings choose "Most compatible" (JPEG), or take a screenshot of the code, and try again.
scan-error-no-code = No QR code could be found in the photo. Hold the phone steady, fill the frame with the code, avoid glare and try again.
scan-error-not-credential = The QR code in the photo is not a valid identity credential. Photograph the code shown in the tenant's identity app, or check the document by hand.
scan-error-expired = This identity credential has expired. Ask the tenant to open a fresh code in their identity app.
scan-error-too-large = The photo is larger than { $count } MB. Take it again at a lower resolution.
scan-error-no-photo = Choose or take a photo first.
scan-try-again = Try another photo
# The full stop after a sentence that ends with a code or an address.
sentence-end = .
csrf-heading = Please try again
csrf-text = This form expired or did not come from this site. Reload the page and submit it again.
form-unreadable-heading = The form could not be read
form-unreadable = What arrived was not this page's form (it may have been sent by another program or cut short). Go back, reload the page and submit it again; nothing was saved.

## Statuses, events, flags
status-submitted = Submitted
status-checking = Checking
status-verified = Verified
status-flagged = Flagged
status-resolved = Resolved
status-checked_out = Checked out
status-purged = Erased
event-submitted = Submitted
event-verified = Verified
event-flagged = Flagged
event-resolved = Resolved by the police
event-checked_out = Checked out
event-purged = Personal data erased
event-rechecked = Checked again
flag-identity_mismatch = the identity does not match the registry
flag-not_found = not found in the registry
flag-document_invalid = the document is not valid
flag-document_expired = the document has expired
flag-document_lost_or_stolen = the document is reported lost or stolen
flag-holder_deceased = the registry reports the holder deceased
flag-needs_review = needs a review
flag-registry_unavailable = the registry could not be reached; it is asked again
resolution-cleared = Cleared
resolution-confirmed = Confirmed
resolution-needs_follow_up = Needs follow-up
guests = { $count ->
    [one] 1 guest
   *[other] { $count } guests
}
channel-invitation = by the tenant
channel-landlord = by you
channel-partner = by a partner system

## The check-in form
form-heading-landlord = Check in a tenant
form-heading-tenant = Check in
form-correct-count = { $count ->
    [one] Please correct 1 field:
   *[other] Please correct { $count } fields:
}
form-stay = The stay
form-check-in = Check-in
form-check-out = Check-out
form-local-time = Local time at the property ({ $zone }).
form-guest = The guest
form-guest-hint = exactly as written on the document
field-given_names = Given names
field-given_names-hint = {""}
field-family_name = Family name
field-family_name-hint = {""}
field-second_family_name = Second family name
field-second_family_name-hint = if the document has one
field-birth_date = Date of birth
field-birth_date-hint = {""}
field-nationality = Nationality
field-nationality-hint = three letters, e.g. ESP, CHN, DEU
field-document_type = Document
field-document_type-hint = {""}
field-document_number = Document number
field-document_number-hint = {""}
field-issuing_country = Issuing country
field-issuing_country-hint = three letters
field-support_number = Support number
field-support_number-hint = Spanish DNI/NIE only
field-sex = Sex
document-type-passport = Passport
document-type-id_card = Identity card
document-type-residence_permit = Residence permit
document-type-other = Other travel document
form-contact = Contact
form-contact-hint = a phone number or an e-mail address
form-phone = Phone
form-email = E-mail
consent-heading = Your data
consent-what = What is collected
consent-what-text = The guest's names, date of birth, nationality and identity document, and the dates of the stay.
consent-what-text-contact = The guest's names, date of birth, nationality and identity document, the dates of the stay, and a phone number or e-mail address.
consent-why = Why
consent-why-text = The law requires hosts to register their guests, and the identity document is checked with the population registry.
consent-who = Who sees it
consent-who-text = Your landlord; the population registry (names, date of birth and document only, to confirm the document); the police only if the check raises a question.
consent-how-long = How long it is kept
consent-how-long-text = Stored encrypted and erased { $retention }. The seals that prove the registration hold no personal data and remain.
consent-receipt = Everything you send is sealed. Your receipt shows what was registered about you and lets you download it.
form-submit = Submit check-in
retention-days = { $count ->
    [one] 1 day after check-out
   *[other] { $count } days after check-out
}
retention-months = { $count ->
    [one] 1 month after check-out
   *[other] { $count } months after check-out
}
retention-years = { $count ->
    [one] 1 year after check-out
   *[other] { $count } years after check-out
}
retention-until-transmitted = once it has been transmitted to the authorities

## Field errors: error-<form field>-<code>, else error-<code>, else the English message
error-required = This field is required.
error-invalid_date = This date does not exist. Use a date like 1990-05-31.
error-birth_in_future = The birth date is in the future.
error-implausible_age = The birth date is more than 120 years ago. Check the year.
error-checkout_before_checkin = Check-out must be after check-in.
error-zero_nights = Check-out must be at least one night after check-in.
error-nonexistent_local_time = This time does not exist at the property (the clocks change then). Choose another time.
error-ambiguous_local_time = This time occurs twice at the property (the clocks change then). Choose another time.
error-country = Use the three-letter country code (ISO 3166-1 alpha-3), like ESP or CHN.
error-too_long = This is too long.
error-invalid_character = A name may contain only letters, spaces, hyphens and apostrophes.
error-invisible_character = This contains an invisible character. Type it again.
error-digit_in_name = A name may not contain digits.
error-mixed_script = All parts of the name must be written in the same alphabet, as on the document.
error-document_number-checksum = The document number does not add up: a character is probably mistyped. Copy it again from the document.
error-document_number-length = The document number has too many or too few characters for this document.
error-document_number-format = The document number contains characters that this document never uses.
error-document_number-date = The birth date inside the document number is impossible.
error-document_number-region = The region code inside the document number does not exist for this birth date.
error-birth_date-document_mismatch = The birth date does not match the one in the document number.
error-sex-document_mismatch = The sex does not match the one in the document number.
error-check_in-format = Enter a date and time.
error-check_out-format = Enter a date and time.
error-email-format = This is not an e-mail address.
error-contact-required = Give a phone number or an e-mail address.
error-support_number-required = Give the support number printed on the DNI or NIE card (IDESP / número de soporte).
error-support_number-format = A support number is three letters and six digits (DNI) or a letter and eight digits (NIE).
error-second_family_name-required = Holders of a Spanish DNI must give their second surname.
error-jurisdiction-format = Use an ISO 3166-2 subdivision code such as ES-M or CN-TJ.
error-time_zone-format = Use an IANA time zone such as Europe/Madrid.
error-document_type-format = Choose one of the document types.

## A check-in's page and the tenant's receipt
checkin-heading = Check-in
checkin-pending = The identity check with the population registry is running. This page updates by itself.
checkin-police-review = Police review:
checkin-flag = Guest { $number }: { $reason }
checkout-submit = Record check-out
checkout-heading = Check-out not recorded
checkout-not-now = This check-in cannot be checked out in its current state.
receipt-title = Your check-in
receipt-heading = Sealed receipt
receipt-qr-alt = QR code of the sealed receipt, for hospes verify
receipt-explained = Each step is sealed with the service's Ed25519 key. Anyone can verify the receipt offline with hospes verify and the public keys at
receipt-verify = Verify the seals
receipt-download = Download the receipt (JSON)
receipt-print = Printable receipt with QR code
receipt-not-found = Receipt not found
receipt-not-found-text = This receipt link is not valid.
privacy-heading = What was registered about you
privacy-guest = Guest { $number }
privacy-erasure = Erasure.
privacy-recipients = Who received it
privacy-why = Why:
privacy-keep-private = This page is reachable only with your receipt link; keep it private.
privacy-download = Download your data (JSON)
privacy-document = Document
privacy-accompanied = Accompanied by
privacy-accompanied-text = guest { $number } ({ $relationship })
privacy-erased = Your personal data was erased on { $date } ({ $jurisdiction }). The seals remain: they prove that this check-in existed and was erased, and hold no personal data.
privacy-erase-on = Your personal data will be erased on { $date } ({ $jurisdiction }), or later if a police review is still open.
recipient-landlord = Your landlord
recipient-landlord-data = the persons and the contact as registered, the stay, and the outcome of the identity check
recipient-landlord-purpose = the guest registration the law requires of hosts
recipient-population_registry = The population registry
recipient-population_registry-data = each person's names, birth date, and document type, number and issuing country (not nationality, sex, contact or stay)
recipient-population_registry-purpose = to confirm that the document is valid and belongs to the person
recipient-police = The police
recipient-police-data = the check-in, for police reviewers of { $jurisdiction } (each opening is logged with a reason)
recipient-police-purpose = the identity check raised a question that police review
invitation-heading = This check-in link cannot be used
invitation-expired = This check-in code has expired. Ask your landlord for the current code.
invitation-revoked = This check-in code was replaced by the landlord. Ask for the current code.
invitation-invalid = This link is not a valid check-in code. Scan the code at the property again.

## Door sign
sign-title = Door sign
sign-explained = Print this sign and put it on the door. Tenants scan the code with their phone camera to check in.
sign-print = Print
sign-scan = Scan to check in

## Verifying a receipt
verify-title = Verify the receipt
verify-ok = { $count ->
    [one] The seal is valid: signed by this service's key and unaltered.
   *[other] All { $count } seals are valid: signed by this service's keys, unaltered and in order.
}
verify-logged = { $count ->
    [one] The newest seal is included in the public transparency log (a tree of 1 seal), and the log has not been rewritten since.
   *[other] The newest seal is included in the public transparency log (a tree of { $figure } seals), and the log has not been rewritten since.
}
verify-log-rewritten = Warning: the transparency log no longer starts with the tree this receipt was proven in.
verify-key = Key id:
verify-failed = The receipt does NOT verify.
verify-offline = To verify it yourself, offline:

## Problems shown as pages
problem-not_found-title = Not found
problem-not_found = There is nothing here, or nothing you may see.
problem-internal-title = Something went wrong
problem-internal = Something went wrong on our side. Please try again.
problem-unavailable-title = Service unavailable
problem-unavailable = The service is busy or a part of it is unreachable. Please try again in a minute.

## The printable receipt
print-checkin = Check-in
print-qr-alt = QR code of the sealed receipt
print-qr-holds = The code holds the whole receipt: every seal, the newest seal's place in the transparency log, and the log's signed checkpoint.
print-qr-check-offline = {" "}Anyone can check it offline with
print-qr-check-upload = {""}, or by uploading a photo of it to
print-qr-check-end = .
print-qr-too-large = This receipt is too large for a QR code; download it as JSON instead.
print-seals = Seals
print-leaf = leaf { $index }
print-log = Transparency log { $origin }, tree size { $size }, root
print-public-keys = Public keys:
print-checkpoint = Checkpoint:
