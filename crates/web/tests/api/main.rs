//! HTTP tests: the real server on a random port, driven over HTTP. One test binary; runs on
//! SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set (see store::testing).

mod auth;
mod calendar;
mod case_gates;
mod cases;
mod enforcement;
mod execution;
mod helpers;
mod input;
mod matrix;
mod overrides;
mod power;
mod record;
mod smoke;
mod staffing;
mod tenants;
