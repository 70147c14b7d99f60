//! Chengguan's domain: the rules of the bureau as pure functions over plain data.
//!
//! Architecture invariant: this crate does no I/O, spawns nothing and has no async. Rule values
//! come from data files (`rules/*.toml`, embedded at build time) that cite their legal source.
#![forbid(unsafe_code)]

pub mod auth;
pub mod calendar;
pub mod case;
pub mod change;
pub mod checkpoint;
pub mod deadline;
pub mod demo;
pub mod discretion;
pub mod enforcement;
pub mod ledger;
pub mod mask;
pub mod merkle;
pub mod org;
pub mod people;
pub mod personal;
pub mod power;
pub mod profile;
pub mod receipts;
pub mod rules;
pub mod staffing;

pub use change::{Change, Expect, Payload, Replay, Row, Table, Value};

/// A refusal by a domain rule: what was refused, in Chinese and English, and the rule's citation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message_en}")]
pub struct Refusal {
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
    pub rule: Option<String>,
}

impl Refusal {
    pub fn new(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Refusal { code, message_zh: zh.into(), message_en: en.into(), rule: None }
    }
    pub fn with_rule(mut self, rule: impl Into<String>) -> Self {
        self.rule = Some(rule.into());
        self
    }
}
