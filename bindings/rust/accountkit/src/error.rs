use accountkit_sys as sys;
use std::ffi::CStr;
use std::fmt;
use std::os::raw::c_char;
use std::time::Duration;

/// The category of an error: `ak_status` of the C API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Caller misuse: bad option, bad path, unknown vendor, a NUL byte in a string.
    InvalidArgument,
    /// Field problems (local, or reported by the vendor); see [`Error::fields`].
    Validation,
    /// Credentials missing, wrong, expired or blocked.
    Auth,
    /// The account does not exist.
    NotFound,
    /// The vendor asked to slow down; see [`Error::retry_after`].
    RateLimited,
    /// The vendor failed or refused for another reason.
    Vendor,
    /// Connection, TLS, redirect or response-size failure.
    Transport,
    /// Connect or total timeout.
    Timeout,
    /// The vendor's response could not be understood.
    Decode,
    /// The vendor has no such operation.
    UnknownOperation,
    /// A create may or may not have happened.
    OutcomeUnknown,
    /// Out of memory.
    NoMemory,
    /// A bug in accountkit.
    Internal,
    /// An asynchronous operation settled in failure.
    OperationFailed,
    /// A status this version of the bindings does not know.
    Other(i32),
}

impl ErrorKind {
    /// The kind of a C status (`AK_OK` has no kind and maps to `Other(0)`).
    pub fn from_status(status: sys::ak_status) -> Self {
        match status {
            sys::AK_E_INVALID_ARGUMENT => Self::InvalidArgument,
            sys::AK_E_VALIDATION => Self::Validation,
            sys::AK_E_AUTH => Self::Auth,
            sys::AK_E_NOT_FOUND => Self::NotFound,
            sys::AK_E_RATE_LIMITED => Self::RateLimited,
            sys::AK_E_VENDOR => Self::Vendor,
            sys::AK_E_TRANSPORT => Self::Transport,
            sys::AK_E_TIMEOUT => Self::Timeout,
            sys::AK_E_DECODE => Self::Decode,
            sys::AK_E_UNKNOWN_OPERATION => Self::UnknownOperation,
            sys::AK_E_OUTCOME_UNKNOWN => Self::OutcomeUnknown,
            sys::AK_E_NOMEM => Self::NoMemory,
            sys::AK_E_INTERNAL => Self::Internal,
            sys::AK_E_OPERATION_FAILED => Self::OperationFailed,
            other => Self::Other(other),
        }
    }

    /// The C status value.
    pub fn status(self) -> sys::ak_status {
        match self {
            Self::InvalidArgument => sys::AK_E_INVALID_ARGUMENT,
            Self::Validation => sys::AK_E_VALIDATION,
            Self::Auth => sys::AK_E_AUTH,
            Self::NotFound => sys::AK_E_NOT_FOUND,
            Self::RateLimited => sys::AK_E_RATE_LIMITED,
            Self::Vendor => sys::AK_E_VENDOR,
            Self::Transport => sys::AK_E_TRANSPORT,
            Self::Timeout => sys::AK_E_TIMEOUT,
            Self::Decode => sys::AK_E_DECODE,
            Self::UnknownOperation => sys::AK_E_UNKNOWN_OPERATION,
            Self::OutcomeUnknown => sys::AK_E_OUTCOME_UNKNOWN,
            Self::NoMemory => sys::AK_E_NOMEM,
            Self::Internal => sys::AK_E_INTERNAL,
            Self::OperationFailed => sys::AK_E_OPERATION_FAILED,
            Self::Other(s) => s,
        }
    }
}

/// One field problem of a validation error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Where: "contacts[0].address.city".
    pub path: String,
    /// A stable rule name: "required", "type", "max_length", "email", "vendor", ...
    pub rule: String,
    /// A sentence for people.
    pub message: String,
}

/// An error of the library, copied out of the C error object (which is freed).
/// Its details are read as fields through `Deref`: `err.kind`, `err.message`,
/// `err.fields`, ... (boxed, so that `Result<T, Error>` stays small).
///
/// Messages never contain secrets (the C library guarantees it; the raw body
/// has secrets replaced by `***`).
#[derive(Debug, Clone)]
pub struct Error(Box<ErrorDetails>);

impl std::ops::Deref for Error {
    type Target = ErrorDetails;
    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

/// What an [`Error`] says.
#[derive(Debug, Clone)]
pub struct ErrorDetails {
    /// The category.
    pub kind: ErrorKind,
    /// The category as a stable lowercase name ("validation", "not_found", ...).
    pub category: String,
    /// A full sentence naming vendor and operation.
    pub message: String,
    /// The vendor the error belongs to ("" when not applicable).
    pub vendor: String,
    /// The operation the error belongs to ("" when not applicable).
    pub operation: String,
    /// The HTTP status of the vendor's answer, if one was received.
    pub http_status: Option<u16>,
    /// The vendor's raw error code as text (99digital "reason").
    pub vendor_code: Option<String>,
    /// The vendor's request id (X-Request-Id).
    pub request_id: Option<String>,
    /// The vendor's response body, secrets replaced by "***".
    pub raw_body: Option<String>,
    /// Whether sending the same call again later may succeed.
    pub retriable: bool,
    /// How many HTTP attempts were made (0 for local validation).
    pub attempts: u32,
    /// How long the vendor asked to wait before retrying.
    pub retry_after: Option<Duration>,
    /// Field problems (validation), every one at once.
    pub fields: Vec<FieldError>,
}

/// Copies a C string owned by the library ("" for NULL).
pub(crate) unsafe fn text(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() {
        None
    } else {
        Some(s)
    }
}

impl Error {
    /// An error made on the Rust side (no C error object).
    pub(crate) fn local(kind: ErrorKind, message: impl Into<String>) -> Self {
        let category = match kind {
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Decode => "decode",
            _ => "internal",
        };
        Error(Box::new(ErrorDetails {
            kind,
            category: category.to_string(),
            message: message.into(),
            vendor: String::new(),
            operation: String::new(),
            http_status: None,
            vendor_code: None,
            request_id: None,
            raw_body: None,
            retriable: false,
            attempts: 0,
            retry_after: None,
            fields: Vec::new(),
        }))
    }

    /// Takes ownership of `err` (freeing it); `status` is what the call returned.
    pub(crate) unsafe fn from_raw(status: sys::ak_status, err: *mut sys::ak_error) -> Self {
        if err.is_null() {
            let mut e = Error::local(
                ErrorKind::from_status(status),
                text(sys::ak_strerror(status)),
            );
            e.0.category = format!("{:?}", e.kind).to_lowercase();
            return e;
        }
        let n = sys::ak_error_field_count(err);
        let fields = (0..n)
            .map(|i| FieldError {
                path: text(sys::ak_error_field_path(err, i)),
                rule: text(sys::ak_error_field_rule(err, i)),
                message: text(sys::ak_error_field_message(err, i)),
            })
            .collect();
        let http = sys::ak_error_http_status(err);
        let retry_after = sys::ak_error_retry_after(err);
        let e = Error(Box::new(ErrorDetails {
            kind: ErrorKind::from_status(sys::ak_error_code(err)),
            category: text(sys::ak_error_category(err)),
            message: text(sys::ak_error_message(err)),
            vendor: text(sys::ak_error_vendor(err)),
            operation: text(sys::ak_error_operation(err)),
            http_status: u16::try_from(http).ok().filter(|s| *s != 0),
            vendor_code: non_empty(text(sys::ak_error_vendor_code(err))),
            request_id: non_empty(text(sys::ak_error_request_id(err))),
            raw_body: non_empty(text(sys::ak_error_raw_body(err))),
            retriable: sys::ak_error_is_retriable(err) != 0,
            attempts: u32::try_from(sys::ak_error_attempts(err)).unwrap_or(0),
            retry_after: (retry_after >= 0.0 && retry_after.is_finite())
                .then(|| Duration::from_secs_f64(retry_after)),
            fields,
        }));
        sys::ak_error_free(err);
        e
    }

    /// The field error at `path`, if any.
    pub fn field(&self, path: &str) -> Option<&FieldError> {
        self.fields.iter().find(|f| f.path == path)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The library's message already summarises every field problem.
        write!(f, "[{}] {}", self.category, self.message)
    }
}

impl std::error::Error for Error {}

/// Turns a status and error pointer into a Result.
pub(crate) unsafe fn check(status: sys::ak_status, err: *mut sys::ak_error) -> Result<(), Error> {
    if status == sys::AK_OK {
        if !err.is_null() {
            sys::ak_error_free(err);
        }
        Ok(())
    } else {
        Err(Error::from_raw(status, err))
    }
}
