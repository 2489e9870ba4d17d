"""The command-line entry points around the Dagster code location: `make demo`, `make build` and its summary,
`make statistics`, `make publish` and `make screenshot`. They drive `orchestration.definitions`; the code location
imports nothing from here."""
