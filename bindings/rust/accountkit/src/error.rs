//! Errors: [`ErrorKind`] (one variant per `ak_status`, named and ordered by the
//! C library) and [`Error`] (a copy of the C error object).
use accountkit_sys as sys;
use std::ffi::CStr;
use std::fmt;
use std::os::raw::c_char;
use std::time::Duration;

/// The category of an error: `ak_status` of the C API.
///
/// The variants list the statuses (Rust needs them to match on); everything
/// else about a status comes from the C library: its stable name
/// ([`ErrorKind::name`], `ak_status_name`) and the broader status it refines
/// ([`ErrorKind::parent`], `ak_status_parent`). Every binding follows that
/// hierarchy: a [`Timeout`](ErrorKind::Timeout) **is** a
/// [`Transport`](ErrorKind::Transport) error in every language (test it with
/// [`Error::is`]), a [`Decode`](ErrorKind::Decode) error is a
/// [`Vendor`](ErrorKind::Vendor) error, and an
/// [`UnknownOperation`](ErrorKind::UnknownOperation) is an
/// [`InvalidArgument`](ErrorKind::InvalidArgument).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `AK_OK`, no failure: never the kind of an [`Error`] the library
    /// returns; here so that every status has its variant.
    Ok,
    /// Caller misuse: bad option, bad path, unknown vendor, a NUL byte in a string.
    InvalidArgument,
    /// Field problems (local, or reported by the vendor); see [`ErrorDetails::fields`].
    Validation,
    /// Credentials missing, wrong, expired or blocked.
    Auth,
    /// The account does not exist (or, reading a [`Response`](crate::Response)
    /// path, the path holds nothing).
    NotFound,
    /// The vendor asked to slow down; see [`ErrorDetails::retry_after`].
    RateLimited,
    /// The vendor failed or refused for another reason.
    Vendor,
    /// Connection, TLS, redirect or response-size failure.
    Transport,
    /// Connect or total timeout: a kind of [`Transport`](ErrorKind::Transport)
    /// error, so `err.is(ErrorKind::Transport)` holds for it.
    Timeout,
    /// The vendor's response could not be understood: a kind of
    /// [`Vendor`](ErrorKind::Vendor) error.
    Decode,
    /// The vendor has no such operation: a kind of
    /// [`InvalidArgument`](ErrorKind::InvalidArgument) error.
    UnknownOperation,
    /// A create may or may not have happened.
    OutcomeUnknown,
    /// Out of memory.
    NoMemory,
    /// A bug in accountkit.
    Internal,
    /// An asynchronous operation settled in failure.
    OperationFailed,
    /// Cancelled by its caller before it finished.
    Cancelled,
    /// A number this version of the bindings has no variant for.
    Other(i32),
}

impl ErrorKind {
    /// The kind of a C status.
    pub fn from_status(status: sys::ak_status) -> Self {
        match status {
            sys::AK_OK => Self::Ok,
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
            sys::AK_E_CANCELLED => Self::Cancelled,
            other => Self::Other(other),
        }
    }

    /// The C status value.
    pub fn status(self) -> sys::ak_status {
        match self {
            Self::Ok => sys::AK_OK,
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
            Self::Cancelled => sys::AK_E_CANCELLED,
            Self::Other(s) => s,
        }
    }

    /// The status's stable snake_case name from the C library
    /// (`ak_status_name`: "validation", "not_found", "no_memory", ...), the
    /// same [`ErrorDetails::category`] holds; "" for a number that is no status.
    pub fn name(self) -> &'static str {
        // SAFETY: ak_status_name returns static storage or NULL for any number.
        let p = unsafe { sys::ak_status_name(self.status()) };
        if p.is_null() {
            return "";
        }
        // SAFETY: non-NULL: a NUL-terminated string in static storage.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap_or("")
    }

    /// The broader kind this one refines (`ak_status_parent`):
    /// `Timeout` → `Transport`, `Decode` → `Vendor`, `UnknownOperation` →
    /// `InvalidArgument`; `None` for the others.
    pub fn parent(self) -> Option<ErrorKind> {
        // SAFETY: ak_status_parent accepts any number.
        let parent = unsafe { sys::ak_status_parent(self.status()) };
        (parent != sys::AK_OK).then(|| ErrorKind::from_status(parent))
    }

    /// Whether this kind is `kind` or refines it, following [`parent`](Self::parent)
    /// (`Timeout.is(Transport)` holds, `Transport.is(Timeout)` does not).
    pub fn is(self, kind: ErrorKind) -> bool {
        let mut current = Some(self);
        // The C table is two levels deep; the bound only guards against a cycle.
        for _ in 0..16 {
            match current {
                Some(k) if k == kind => return true,
                Some(k) => current = k.parent(),
                None => return false,
            }
        }
        false
    }
}

impl fmt::Display for ErrorKind {
    /// The stable name ("not_found"), or "status N" for a number that is no status.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            "" => write!(f, "status {}", self.status()),
            name => f.write_str(name),
        }
    }
}

/// One field problem of a validation error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Where: `"contacts[0].address.city"`.
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
    /// The category's stable name from the C library ("validation",
    /// "not_found", ...; [`ErrorKind::name`]).
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
    /// An unknown outcome after a lost create was looked up: the ids of every
    /// account that may be this request's (none provably is).
    pub candidates: Vec<String>,
}

/// Copies a C string owned by the library ("" for NULL).
///
/// # Safety
/// `p` is NULL or a valid NUL-terminated string.
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
    /// An error made on the Rust side (no C error object); its category is
    /// the C library's name of `kind`.
    pub(crate) fn local(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(ErrorDetails {
            kind,
            category: kind.name().to_string(),
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
            candidates: Vec::new(),
        }))
    }

    /// Takes ownership of `err` (freeing it); `status` is what the call returned.
    ///
    /// # Safety
    /// `err` is NULL or an error object the caller owns.
    pub(crate) unsafe fn from_raw(status: sys::ak_status, err: *mut sys::ak_error) -> Self {
        if err.is_null() {
            return Error::local(
                ErrorKind::from_status(status),
                text(sys::ak_strerror(status)),
            );
        }
        let n = sys::ak_error_field_count(err);
        let fields = (0..n)
            .map(|i| FieldError {
                path: text(sys::ak_error_field_path(err, i)),
                rule: text(sys::ak_error_field_rule(err, i)),
                message: text(sys::ak_error_field_message(err, i)),
            })
            .collect();
        let candidates = (0..sys::ak_error_candidate_count(err))
            .map(|i| text(sys::ak_error_candidate(err, i)))
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
            candidates,
        }));
        sys::ak_error_free(err);
        e
    }

    /// Whether this error is of `kind` or of a kind that refines it
    /// ([`ErrorKind::parent`]): a timeout is a transport error in every
    /// language, so a `Timeout` error `is(ErrorKind::Transport)`.
    pub fn is(&self, kind: ErrorKind) -> bool {
        self.kind.is(kind)
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
///
/// # Safety
/// `err` is NULL or an error object the caller owns (it is freed).
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

#[cfg(test)]
mod tests {
    use super::*;

    fn c_name(code: i32) -> Option<&'static str> {
        // SAFETY: any number is accepted; the result is static storage or NULL.
        let p = unsafe { sys::ak_status_name(code) };
        // SAFETY: non-NULL: static storage.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap())
    }

    #[test]
    fn every_status_of_the_c_library_has_its_variant_and_no_other_number_does() {
        let mut named = 0;
        for code in 0..64 {
            let kind = ErrorKind::from_status(code);
            let is_variant = !matches!(kind, ErrorKind::Other(_));
            assert_eq!(
                is_variant,
                c_name(code).is_some(),
                "status {code}: variant {kind:?}, C name {:?}",
                c_name(code)
            );
            assert_eq!(kind.status(), code, "{kind:?} does not round-trip");
            assert_eq!(kind.name(), c_name(code).unwrap_or(""), "status {code}");
            named += usize::from(is_variant);
        }
        assert!(named >= 15, "only {named} statuses named");
        assert_eq!(ErrorKind::from_status(-1), ErrorKind::Other(-1));
        assert_eq!(ErrorKind::Other(-1).name(), "");
        assert_eq!(ErrorKind::Other(99).to_string(), "status 99");
        assert_eq!(ErrorKind::NoMemory.to_string(), "no_memory");
    }

    #[test]
    fn parents_come_from_the_c_library() {
        for code in 0..64 {
            let kind = ErrorKind::from_status(code);
            // SAFETY: any number is accepted.
            let parent = unsafe { sys::ak_status_parent(code) };
            assert_eq!(
                kind.parent().map(ErrorKind::status),
                (parent != sys::AK_OK).then_some(parent),
                "{kind:?}"
            );
        }
        assert_eq!(ErrorKind::Timeout.parent(), Some(ErrorKind::Transport));
        assert_eq!(ErrorKind::Decode.parent(), Some(ErrorKind::Vendor));
        assert_eq!(
            ErrorKind::UnknownOperation.parent(),
            Some(ErrorKind::InvalidArgument)
        );
        assert_eq!(ErrorKind::Transport.parent(), None);
    }

    #[test]
    fn a_timeout_is_a_transport_error() {
        let timeout = Error::local(ErrorKind::Timeout, "slow");
        assert_eq!(timeout.category, "timeout");
        assert!(timeout.is(ErrorKind::Timeout));
        assert!(timeout.is(ErrorKind::Transport));
        assert!(!timeout.is(ErrorKind::Vendor));
        let transport = Error::local(ErrorKind::Transport, "reset");
        assert!(!transport.is(ErrorKind::Timeout));
        assert!(Error::local(ErrorKind::UnknownOperation, "x").is(ErrorKind::InvalidArgument));
        assert!(Error::local(ErrorKind::Decode, "x").is(ErrorKind::Vendor));
    }

    #[test]
    fn an_error_without_object_is_named_by_the_c_library() {
        // SAFETY: a NULL error object is allowed.
        let e = unsafe { Error::from_raw(sys::AK_E_RATE_LIMITED, std::ptr::null_mut()) };
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert_eq!(e.category, "rate_limited");
        assert!(!e.message.is_empty());
    }
}
