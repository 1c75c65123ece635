//! Every item of a list operation, page by page (`ak_pager`).
use crate::error::check;
use crate::{sys, Error, Response};
use std::fmt;
use std::ptr::{self, NonNull};

/// Every item of a list operation, fetched page by page (`ak_pager_next`).
pub struct Pager {
    raw: Option<NonNull<sys::ak_pager>>,
    pending: Option<Error>,
    done: bool,
    vendor: &'static str,
}

// SAFETY: a pager belongs to one thread at a time and may move between threads
// (the header); the raw pointer keeps Pager !Sync.
unsafe impl Send for Pager {}

impl Pager {
    /// Takes ownership of a pager over `vendor`'s items the library returned.
    pub(crate) fn from_raw(raw: NonNull<sys::ak_pager>, vendor: &'static str) -> Pager {
        Pager {
            raw: Some(raw),
            pending: None,
            done: false,
            vendor,
        }
    }

    /// A pager whose first (and only) item is `e`.
    pub(crate) fn failed(e: Error) -> Pager {
        Pager {
            raw: None,
            pending: Some(e),
            done: false,
            vendor: "",
        }
    }

    /// The next item, `Ok(None)` at the end. After an error the same page is
    /// requested again by the next call.
    pub fn next_item(&mut self) -> Result<Option<Response>, Error> {
        if let Some(e) = self.pending.take() {
            return Err(e);
        }
        let Some(raw) = self.raw else { return Ok(None) };
        let mut item = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid handle, used by one thread (&mut self).
        unsafe { check(sys::ak_pager_next(&mut item, raw.as_ptr(), &mut err), err)? };
        if item.is_null() {
            return Ok(None);
        }
        Response::from_raw(item, self.vendor).map(Some)
    }
}

impl Iterator for Pager {
    type Item = Result<Response, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_item() {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

impl std::iter::FusedIterator for Pager {}

impl Drop for Pager {
    fn drop(&mut self) {
        if let Some(raw) = self.raw {
            // SAFETY: we own the handle.
            unsafe { sys::ak_pager_free(raw.as_ptr()) }
        }
    }
}

impl fmt::Debug for Pager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
