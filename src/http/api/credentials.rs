//! Identity credentials read from a photo: the landlord photographs the tenant's identity QR, the
//! server decodes it, checks the registry's signature and returns the person to pre-fill a
//! check-in. The photo is decoded in memory and never stored.

use axum::extract::{Multipart, State};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::App;
use crate::domain::Person;
use crate::http::auth::Landlord;
use crate::http::error::ApiError;
use crate::qr::DecodeError;
use crate::registry::credential::{self, CredentialError};

/// Largest photo accepted, in bytes (phone photos up to 48 MP fit).
pub const PHOTO_LIMIT_BYTES: usize = 25 * 1024 * 1024;

#[derive(Debug, Serialize, ToSchema)]
pub struct ScannedCredential {
    /// The person as the registry signed them, in the shape of a check-in's person.
    pub person: Person,
    /// The credential's issuer.
    pub issuer: String,
    /// When the credential expires (RFC 3339).
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PhotoUpload {
    /// The photo (JPEG, PNG, WebP, GIF, BMP or TIFF; HEIC is refused with `415`).
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    photo: String,
}

/// Maps a decoding failure to the answer a landlord understands.
pub fn decode_problem(e: DecodeError) -> ApiError {
    match e {
        DecodeError::UnsupportedFormat { format } => ApiError::UnsupportedMedia(format!(
            "{format} photos cannot be read. Set the camera to \"Most compatible\" (JPEG), or take a screenshot of the code, and upload again."
        )),
        DecodeError::TooLarge => ApiError::TooLarge { limit_mb: PHOTO_LIMIT_BYTES / (1024 * 1024) },
        DecodeError::Corrupt => ApiError::NoQrCode("The photo is damaged or incomplete. Take it again.".into()),
        DecodeError::NoCode => ApiError::NoQrCode(
            "No QR code could be read in the photo. Hold the phone steady, fill the frame with the code, avoid glare, and try again.".into(),
        ),
        DecodeError::DecoderPanic => ApiError::NoQrCode("The photo could not be decoded. Take it again.".into()),
    }
}

/// Reads the multipart field `photo` into memory, refusing anything over the limit.
pub async fn read_photo(mut multipart: Multipart) -> Result<bytes::Bytes, ApiError> {
    loop {
        let field = multipart.next_field().await.map_err(multipart_problem)?;
        let Some(field) = field else {
            return Err(ApiError::malformed("photo", "attach the photo in the multipart field `photo`"));
        };
        if field.name() == Some("photo") {
            return field.bytes().await.map_err(multipart_problem);
        }
    }
}

fn multipart_problem(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge { limit_mb: PHOTO_LIMIT_BYTES / (1024 * 1024) }
    } else {
        ApiError::malformed("photo", "the upload could not be read as multipart/form-data")
    }
}

/// Decodes a photo and returns the first identity credential in it that verifies.
pub async fn scan_photo(app: &App, photo: bytes::Bytes) -> Result<ScannedCredential, ApiError> {
    if photo.is_empty() {
        return Err(ApiError::malformed("photo", "the photo is empty"));
    }
    let texts = app.qr.decode(photo).await.map_err(decode_problem)?;
    let keys = app.registry.credential_keys().await.map_err(|_| ApiError::Unavailable)?;
    let now = app.now().timestamp();
    let mut last = CredentialError::NotACredential;
    for text in &texts {
        match credential::verify(text, &keys, now) {
            Ok(claims) => {
                return Ok(ScannedCredential {
                    person: claims.person,
                    issuer: claims.iss,
                    expires_at: chrono::DateTime::from_timestamp(claims.exp, 0).unwrap_or_default(),
                });
            }
            Err(e) => last = e,
        }
    }
    Err(match last {
        CredentialError::NotACredential => ApiError::CredentialInvalid(
            "The QR code in the photo is not an identity credential. Photograph the code shown in the tenant's identity app.".into(),
        ),
        CredentialError::BadSignature => ApiError::CredentialInvalid(
            "The identity credential's signature does not verify with the registry's keys; it may be forged. Check the tenant's document by hand.".into(),
        ),
        CredentialError::Expired => ApiError::CredentialExpired,
    })
}

/// Reads an identity credential from a photo of its QR code (multipart field `photo`, at most
/// 25 MB) and returns the person it certifies, to pre-fill a check-in.
#[utoipa::path(post, path = "/v1/credentials/scan", tag = "checkins", security(("bearer" = [])),
    request_body(content = PhotoUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = ScannedCredential), (status = 401, body = crate::http::error::Problem),
              (status = 413, body = crate::http::error::Problem), (status = 415, body = crate::http::error::Problem),
              (status = 422, body = crate::http::error::Problem)))]
pub async fn scan(
    State(app): State<App>,
    _landlord: Landlord,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<axum::Json<ScannedCredential>, ApiError> {
    // A body that is not multipart/form-data (no boundary, another type) is a problem document
    // like every other error, not axum's plain-text rejection.
    let multipart = multipart.map_err(|_| ApiError::malformed("photo", "send the photo as multipart/form-data with a boundary"))?;
    let photo = read_photo(multipart).await?;
    Ok(axum::Json(scan_photo(&app, photo).await?))
}
