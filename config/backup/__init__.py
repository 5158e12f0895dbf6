"""Backups: the database, the evidence files and the access log's checkpoints in one archive, and their restore
into an empty instance.

An archive is a plain tar of these parts:

    database.dump                 pg_dump --format=custom of the default database
    evidence/…                    every file under EVIDENCE_ROOT, by its path there
    access-log-checkpoints.jsonl  the file ACCESS_LOG_CHECKPOINT_FILE, when there is one
    manifest.json                 when, the migrations applied, each table's row count, each member's size and SHA-256

The database is read in one snapshot, so the row counts in the manifest are those of the dump. An evidence file is
written before the row that names it commits, so the files copied after the snapshot include every file it names.
A checkpoint is written after the entries it vouches for commit, so the checkpoints copied before the snapshot
vouch only for entries in it.
"""
