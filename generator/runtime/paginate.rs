//! Lists: the [`Page`] a list endpoint gives, and the streams of its pages ([`Pages`]) and
//! items ([`Items`]), which fetch a page only when the one before is used up.
//!
//! Every page after the first is requested with the first request's parameters (its
//! filters), changed only in the parameter that says which page: APIs such as Seam's
//! refuse a cursor sent with other filters. Each page is one call, with the call's retries
//! and timeouts.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::call::Call;
use super::descriptor::PageStyle;
use super::error::Error;
use super::response::Response;

/// One page of a list, as a list endpoint gives it: its items and what it says of the next
/// page. The generated page types (`AccessCodesListResponse`) implement it; the streams
/// read pages through it.
pub trait Page: DeserializeOwned + Send + 'static {
    /// One item of the list.
    type Item: Send + 'static;

    /// The page's items.
    fn items(&self) -> &[Self::Item];

    /// The page's items, owned.
    fn into_items(self) -> Vec<Self::Item>;

    /// Whether the page says a next page exists; `None` when it does not say.
    fn has_more(&self) -> Option<bool> {
        None
    }

    /// The cursor of the next page (cursor paging); `None` when there is none.
    fn next_cursor(&self) -> Option<&str> {
        None
    }

    /// The total number of pages (page-number paging), when the page gives it.
    fn total_pages(&self) -> Option<i64> {
        None
    }
}

/// Where paging goes on: the cursor or the number of the next page to fetch. Save it
/// (it is `Serialize`) and give it to `resume_at` to continue later, with the same
/// filters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PagePosition {
    /// The cursor a page gave for the next one.
    Cursor(String),
    /// The number of the next page.
    Number(i64),
}

type PageFuture<P> = Pin<Box<dyn Future<Output = Result<Response<P>, Error>> + Send>>;

enum Next {
    /// The page the parameters name (the first, unless they set a position).
    Start,
    At(PagePosition),
    /// Yielded after the page before it.
    Failed(Error),
    End,
}

/// Every page of a list, fetched one at a time as the stream is polled: `call.pages()`.
///
/// It is a [`Stream`] of `Result<P, Error>`, and has [`next`](Pages::next) of its own, so
/// no stream trait needs importing. After an error it ends. Each page is one call, retried
/// like any read.
#[must_use = "a stream does nothing until it is polled"]
pub struct Pages<P> {
    call: Call<P>,
    next: Next,
    /// The position of the page in flight.
    fetching: Option<PagePosition>,
    in_flight: Option<PageFuture<P>>,
    fetched: u64,
    max_pages: Option<u64>,
}

impl<P> fmt::Debug for Pages<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("endpoint", &self.call.endpoint.id)
            .field("next", &self.next_position())
            .field("fetched", &self.fetched)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

impl<P: Page> Call<P> {
    /// Every page of the list, starting with the one this call asks for; see [`Pages`].
    pub fn pages(self) -> Pages<P> {
        Pages { call: self, next: Next::Start, fetching: None, in_flight: None, fetched: 0, max_pages: None }
    }

    /// Every item of the list, page after page; see [`Items`].
    pub fn items(self) -> Items<P> {
        Items { pages: self.pages(), buffer: Vec::new().into_iter(), yielded: 0, max_items: None }
    }

    /// Starts at a saved position (from [`Pages::next_position`]) instead of the first page.
    /// A position of the other paging style fails the call with [`Error::Config`].
    pub fn resume_at(mut self, position: PagePosition) -> Self {
        let id = self.endpoint.id;
        let set = match (self.endpoint.pagination.map(|p| p.style), position) {
            (Some(PageStyle::Cursor { param, .. }), PagePosition::Cursor(cursor)) => Ok((param, Value::String(cursor))),
            (Some(PageStyle::Number { param, .. }), PagePosition::Number(number)) => Ok((param, Value::from(number))),
            (None, _) => Err(Error::Config(format!("{id} is not a paginated list"))),
            (Some(_), position) => Err(Error::Config(format!("{id} cannot resume at {position:?}: it pages the other way"))),
        };
        self.params = match (self.params, set) {
            // `null` is no parameters, as a request reads it (a call made with `()`).
            (Ok(Value::Null), Ok((param, value))) => Ok(Value::Object([(param.to_owned(), value)].into_iter().collect())),
            (Ok(Value::Object(mut params)), Ok((param, value))) => {
                params.insert(param.to_owned(), value);
                Ok(Value::Object(params))
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
            (Ok(_), Ok(_)) => Err(Error::Config(format!("the parameters of {id} are not an object"))),
        };
        self
    }
}

impl<P> Pages<P> {
    /// Where the next page starts, to save and [`resume_at`](Call::resume_at) later;
    /// `None` before the first page (the start is what the call's parameters say) and
    /// once the list has ended.
    pub fn next_position(&self) -> Option<&PagePosition> {
        match &self.next {
            Next::At(position) => Some(position),
            _ => None,
        }
    }
}

impl<P: Page> Pages<P> {
    /// Ends the stream after `max` pages: no page past them is requested, and
    /// [`next_position`](Pages::next_position) still says where the list goes on.
    pub fn max_pages(mut self, max: u64) -> Self {
        self.max_pages = Some(max);
        self
    }

    /// The next page, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<P, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every remaining page, or the first error.
    pub async fn collect_all(mut self) -> Result<Vec<P>, Error> {
        let mut pages = Vec::new();
        while let Some(page) = self.next().await {
            pages.push(page?);
        }
        Ok(pages)
    }

    fn start(&mut self) -> Option<Result<PageFuture<P>, Error>> {
        // A stream stopped by its limit keeps `next`: where the list goes on is still there
        // to save, and a problem with the page after the last one asked for is not raised.
        if self.max_pages.is_some_and(|max| self.fetched >= max) {
            return None;
        }
        let position = match std::mem::replace(&mut self.next, Next::End) {
            Next::End => return None,
            Next::Failed(error) => return Some(Err(error)),
            Next::Start => None,
            Next::At(position) => Some(position),
        };
        let call = match position.clone() {
            Some(position) => self.call.fork().resume_at(position),
            None => self.call.fork(),
        };
        // The first page is at whatever position the call's parameters name (a
        // `resume_at`), so a page that gives that cursor back is caught there too.
        self.fetching = position.or_else(|| self.position_in_params());
        Some(Ok(Box::pin(call.send_with_metadata())))
    }

    /// The position the call's own parameters name, if they set the page parameter.
    fn position_in_params(&self) -> Option<PagePosition> {
        let pagination = self.call.endpoint.pagination?;
        let value = self.call.params.as_ref().ok()?.get(pagination.style_param())?;
        match pagination.style {
            PageStyle::Cursor { .. } => value.as_str().filter(|c| !c.is_empty()).map(|c| PagePosition::Cursor(c.to_owned())),
            PageStyle::Number { .. } => value.as_i64().map(PagePosition::Number),
        }
    }

    /// What follows `page`, the one fetched at `self.fetching`.
    fn after(&self, page: &P, request_id: Option<&str>) -> Next {
        let Some(pagination) = self.call.endpoint.pagination else { return Next::End };
        if page.has_more() == Some(false) {
            return Next::End;
        }
        let fail = |message: String| Next::Failed(Error::Paging { endpoint: self.call.endpoint.id, request_id: request_id.map(str::to_owned), message });
        match pagination.style {
            PageStyle::Cursor { .. } => match page.next_cursor().filter(|c| !c.is_empty()) {
                Some(cursor) if matches!(&self.fetching, Some(PagePosition::Cursor(c)) if c == cursor) => {
                    fail(format!("the page fetched with cursor `{cursor}` gave the same cursor for the next page"))
                }
                Some(cursor) => Next::At(PagePosition::Cursor(cursor.to_owned())),
                None if page.has_more() == Some(true) => fail("the page says a next page exists but gives no cursor for it".to_owned()),
                None => Next::End,
            },
            PageStyle::Number { first, .. } => {
                let current = match &self.fetching {
                    Some(PagePosition::Number(n)) => *n,
                    _ => first,
                };
                let beyond_total = page.total_pages().is_some_and(|total| current - first + 1 >= total);
                // A page with no items ends the list whatever it says, so a server that
                // keeps saying "more" cannot keep the stream going.
                if beyond_total || page.items().is_empty() {
                    Next::End
                } else {
                    Next::At(PagePosition::Number(current + 1))
                }
            }
        }
    }
}

impl<P: Page> Stream for Pages<P> {
    type Item = Result<P, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.in_flight.is_none() {
            match this.start() {
                None => return Poll::Ready(None),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(future)) => this.in_flight = Some(future),
            }
        }
        let Some(future) = this.in_flight.as_mut() else { return Poll::Ready(None) };
        let result = ready!(future.as_mut().poll(cx));
        this.in_flight = None;
        this.fetched += 1;
        Poll::Ready(Some(match result {
            Ok(response) => {
                let request_id = response.request_id().map(str::to_owned);
                let page = response.into_inner();
                this.next = this.after(&page, request_id.as_deref());
                Ok(page)
            }
            Err(error) => Err(error),
        }))
    }
}

/// Every item of a list, page after page: `call.items()`. A page is fetched only when the
/// items before it have been taken, so [`max_items`](Items::max_items) (or a `take`)
/// never requests a page too many.
///
/// It is a [`Stream`] of `Result<P::Item, Error>`, with [`next`](Items::next) of its own.
/// An error (a failed page) comes after the items of the pages before it, and ends the
/// stream.
#[must_use = "a stream does nothing until it is polled"]
pub struct Items<P: Page> {
    pages: Pages<P>,
    buffer: std::vec::IntoIter<P::Item>,
    yielded: u64,
    max_items: Option<u64>,
}

impl<P: Page> fmt::Debug for Items<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items").field("pages", &self.pages).field("yielded", &self.yielded).field("max_items", &self.max_items).finish_non_exhaustive()
    }
}

impl<P: Page> Items<P> {
    /// Ends the stream after `max` items: no page past the one holding the last of them is
    /// requested.
    pub fn max_items(mut self, max: u64) -> Self {
        self.max_items = Some(max);
        self
    }

    /// Ends the stream after the items of `max` pages (see [`Pages::max_pages`]).
    pub fn max_pages(mut self, max: u64) -> Self {
        self.pages.max_pages = Some(max);
        self
    }

    /// The next item, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<P::Item, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Where the page after the current one starts (see [`Pages::next_position`]); items
    /// of the current page not yet taken are before it.
    pub fn next_position(&self) -> Option<&PagePosition> {
        self.pages.next_position()
    }

    /// Every remaining item, or the first error.
    pub async fn collect_all(mut self) -> Result<Vec<P::Item>, Error> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }
}

// `Items` holds no pinned state: the page future is boxed.
impl<P: Page> Unpin for Items<P> {}

impl<P: Page> Stream for Items<P> {
    type Item = Result<P::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.max_items.is_some_and(|max| this.yielded >= max) {
                return Poll::Ready(None);
            }
            if let Some(item) = this.buffer.next() {
                this.yielded += 1;
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                Some(Ok(page)) => this.buffer = page.into_items().into_iter(),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => return Poll::Ready(None),
            }
        }
    }
}
