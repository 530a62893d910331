# hospes: the police workspace and the admin pages, English (the fallback language).
# Every key here must exist in every locale folder (tests/i18n.rs checks it).

## Navigation and sign-in
police-nav-queue = Queue
police-nav-dashboard = Dashboard
police-login-title = Police sign-in
police-login-heading = Police and administrators
police-login-code = Code from your authenticator app
police-login-code-hint = or one of your recovery codes
police-login-sessions = Sessions end after 15 minutes without activity and after 12 hours in all. Every record you open is logged with your reason.
police-login-wrong = The e-mail address, the password or the code is wrong (a code works once; wait for the next one).
police-rate-limited = Too many failed attempts. Try again in { $wait }.
police-wait-seconds = { $count ->
    [one] a second
   *[other] { $count } seconds
}
police-wait-minutes = { $count ->
    [one] a minute
   *[other] { $count } minutes
}
police-duration-days = { $days } d { $hours } h
police-duration-hours = { $hours } h { $minutes } min
police-duration-minutes = { $minutes } min
police-error-heading = This did not work
police-error-not-opened = Open the check-in with a reason first.
police-error-conflict = This check-in was resolved already or changed meanwhile.
police-back-to-queue = Back to the queue
police-error-choose-reason = Choose a reason for opening this record.
police-error-reason-text = Explain the reason in your words, in { $min } to { $max } characters.
police-error-choose-outcome = Choose an outcome: cleared, confirmed or needs follow-up.
police-error-note-text = Write a note of at most { $max } characters.

## Flag reasons, severities, reasons for opening a record
police-flag-document_lost_or_stolen = document lost or stolen
police-flag-holder_deceased = holder deceased
police-flag-document_invalid = document invalid
police-flag-not_found = not found
police-flag-identity_mismatch = identity mismatch
police-flag-document_expired = document expired
police-flag-needs_review = needs review
police-flag-registry_unavailable = registry unavailable
police-severity = severity { $level }
police-severity-5 = stolen or lost document, deceased holder
police-severity-4 = not found, invalid document
police-severity-3 = identity mismatch
police-severity-2 = expired document, needs review
police-severity-1 = registry unavailable
police-access-queue_review = Reviewing the flag (queue work)
police-access-investigation = An open case or investigation
police-access-authority_request = A request from another authority
police-access-data_subject_request = The person's own request
police-access-quality_assurance = Quality assurance or audit
police-reason = Reason
police-choose = choose…
police-in-your-words = In your words

## The queue
police-queue-title = Queue
police-queue-heading = Flagged check-ins awaiting review
police-queue-jurisdictions = jurisdictions { $list }
police-queue-open = open in your jurisdictions
police-queue-shown = shown with these filters
police-queue-by-reason = Open check-ins by reason
police-waiting-lt1d = waiting under a day
police-waiting-1-3d = waiting 1 to 3 days
police-waiting-3-7d = waiting 3 to 7 days
police-waiting-gt7d = waiting over a week
police-age-lt1d = under a day
police-age-1-3d = 1 to 3 days
police-age-3-7d = 3 to 7 days
police-age-gt7d = over a week
police-sort-oldest = oldest flag first
police-sort-newest = newest flag first
police-sort-severity = most severe first
police-property = Property
police-filter-any = any
police-filter-from = Flagged from
police-filter-to = to
police-filter-waiting = Waiting
police-filter-order = Order
police-filter-submit = Filter
police-filter-clear = Clear
police-queue-empty = Nothing awaits review with these filters.
police-col-severity = Severity
police-col-flagged = Flagged
police-col-waiting = Waiting
police-col-reasons = Reasons
police-col-guests = Guests
police-col-status = Status
police-queue-review = Review
police-export-heading = Export this list
police-export-hint = The export (CSV, no personal data) is written to the audit log with your reason.
police-export-submit = Download CSV
police-export-error = Export: { $problem }.

## A check-in
police-checkin-title = Check-in
police-open-heading = Why are you opening this record?
police-open-hint = Your reason is written to the audit log, with your name and the time, before the record is shown.
police-open-submit = Open the record
police-person-flagged = Flagged:
police-accompanied = accompanied by guest { $number } ({ $relationship })
police-col-field = Field
police-col-declared = Declared
police-col-registry = Registry
police-field-family_name = Family name
police-field-given_names = Given names
police-field-birth_date = Birth date
police-field-document = Document
police-registry-match = match
police-registry-probable_match = probable match
police-registry-needs_review = needs review
police-registry-needs_transliteration = needs transliteration
police-registry-no_match = no match
police-registry-not_found = not found
police-registry-valid = valid
police-registry-expired = expired
police-registry-revoked = revoked
police-registry-lost_or_stolen = lost or stolen
police-registry-holder_deceased = holder deceased
police-registry-none = not compared
police-stay = Stay
police-contact = Contact:
police-seal-verified = verified
police-seal-invalid = invalid
police-seal-unchecked = unchecked
police-resolution = Resolution:
police-resolve-heading = Resolve
police-resolve-hint = The outcome is sealed and the landlord sees it; the note stays with the police.
police-note = Note
police-resolve-submit = Seal the resolution

## The dashboard and its charts
police-dashboard-title = Dashboard
police-dashboard-period = { $jurisdictions }, last { $count } days
police-dashboard-open = open flags
police-dashboard-oldest = oldest open flag:
police-dashboard-no-open = no open flag
police-dashboard-median = median time from flag to resolution
police-dashboard-legend = Severity colours
police-dashboard-legend-checkins = check-ins
police-summary = Summary
police-summary-today = Today
police-summary-week = Last 7 days
police-summary-checkins = Check-ins
police-summary-flagged = Flagged
police-summary-resolved = Resolved
police-summary-cleared = cleared
police-summary-confirmed = confirmed
police-summary-needs-follow-up = needs follow-up
police-summary-median = Median time to resolution
chart-daily-title = Check-ins and flags per day
chart-daily-checkins = { $count ->
    [one] { $date }: 1 check-in
   *[other] { $date }: { $figure } check-ins
}
chart-daily-flags = { $count ->
    [one] { $date }: 1 flag of severity { $level }
   *[other] { $date }: { $figure } flags of severity { $level }
}
chart-reasons-title = Flags by reason
chart-reasons-none = No flags in this period.
chart-reasons-total = { $figure } flagged in the period
chart-reasons-open = { $figure } open now
chart-reasons-figures = { $total } · { $open } open
chart-resolution-title = Time from flag to resolution
chart-bucket-0 = < 1 h
chart-bucket-1 = 1–4 h
chart-bucket-2 = 4–24 h
chart-bucket-3 = 1–3 d
chart-bucket-4 = 3–7 d
chart-bucket-5 = > 7 d

## Enrolling a second factor
enrol-title = Second factor
enrol-heading = Set up your second factor
enrol-new-password = Choose a password
enrol-new-password-hint = at least 12 characters; a phrase is best
enrol-repeat-password = The same password again
enrol-password = Your password
enrol-continue = Continue
enrol-scan = Scan this code with your authenticator app (any app for TOTP, RFC 6238). It is shown only now.
enrol-type-key = Or type this key:
enrol-code = The 6-digit code the app shows
enrol-confirm = Confirm
enrol-done = Your second factor is set up. Keep these recovery codes somewhere safe, away from your phone: each signs you in once if the phone is lost. They are shown only now.
enrol-invalid-heading = This link does not work
enrol-invalid = The enrolment link is not valid: it was used, it expired, or a newer one replaced it. Ask your administrator for a new one.
enrol-password-length = The password must have at least 12 and at most 128 characters.
enrol-passwords-differ = The two passwords differ.
enrol-password-wrong = The password is wrong.
enrol-wrong-code = The code does not match; check the time on the phone and try the next code.

## Administration
admin-nav-accounts = Accounts
admin-nav-audit = Audit log
admin-title = Administration
admin-heading = Accounts and jurisdictions
admin-col-role = Role
admin-col-jurisdictions = Jurisdictions
admin-col-factor = Second factor
admin-col-state = State
admin-col-actions = Actions
admin-role-police = police
admin-role-admin = admin
admin-role-landlord = landlord
admin-jurisdictions-of = Jurisdictions of { $email }
admin-set = Set
admin-enrolled = enrolled
admin-not-enrolled = not yet
admin-disabled = disabled
admin-active = active
admin-reset-factor = Reset second factor
admin-enable = Enable
admin-disable = Disable
admin-new-account = New police or admin account
admin-jurisdictions-hint = police: ISO 3166-2 codes, comma-separated
admin-new-account-hint = The owner chooses a password and sets up the second factor with a one-time link shown after creation.
admin-create = Create
admin-jurisdiction-code = ISO 3166-2 code
admin-add = Add
admin-choose-role = choose police or admin
admin-account-created = Account { $email } created. Hand this one-time link to its owner (valid 72 hours):
admin-jurisdiction-added = Jurisdiction { $code } ({ $name }) added.
admin-factor-reset = Second factor removed and sessions ended. Hand this one-time link to the account's owner:
admin-account-disabled = Account disabled; its sessions ended.
admin-account-enabled = Account enabled.
admin-jurisdictions-set = Jurisdictions set: { $list }.
audit-intact = Intact.
audit-broken = The log does not verify.
audit-summary = { $entries ->
    [one] 1 entry chained
   *[other] { $entries_figure } entries chained
}; { $checkpoints ->
    [one] 1 sealed checkpoint
   *[other] { $checkpoints_figure } sealed checkpoints
} (the newest seals { $sealed } entries).
audit-none-yet = none yet
audit-hint = Append-only: each entry's hash covers the one before it, and the head is sealed with the service's key. Nothing here can change an entry.
audit-col-time = Time (UTC)
audit-col-who = Who
audit-col-what = What
audit-col-about = About
audit-col-reason = Reason
audit-col-detail = Detail
