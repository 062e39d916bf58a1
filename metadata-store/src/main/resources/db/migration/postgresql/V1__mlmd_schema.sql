-- The ML Metadata data model (PostgreSQL dialect).
CREATE TABLE mr_type (
  id BIGSERIAL PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  UNIQUE (kind, name)
);
CREATE TABLE mr_type_property (
  type_id BIGINT NOT NULL REFERENCES mr_type (id),
  name TEXT NOT NULL,
  data_type TEXT NOT NULL,
  PRIMARY KEY (type_id, name)
);
CREATE TABLE mr_artifact (
  id BIGSERIAL PRIMARY KEY,
  type_id BIGINT NOT NULL REFERENCES mr_type (id),
  uri TEXT NOT NULL,
  name TEXT,
  state TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL
);
CREATE INDEX mr_artifact_type ON mr_artifact (type_id);
CREATE INDEX mr_artifact_uri ON mr_artifact (uri);
CREATE TABLE mr_execution (
  id BIGSERIAL PRIMARY KEY,
  type_id BIGINT NOT NULL REFERENCES mr_type (id),
  name TEXT,
  state TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL
);
CREATE INDEX mr_execution_type ON mr_execution (type_id);
CREATE TABLE mr_context (
  id BIGSERIAL PRIMARY KEY,
  type_id BIGINT NOT NULL REFERENCES mr_type (id),
  name TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  UNIQUE (type_id, name)
);
CREATE TABLE mr_property (
  owner_kind TEXT NOT NULL,
  owner_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  is_custom INTEGER NOT NULL,
  data_type TEXT NOT NULL,
  int_value BIGINT,
  double_value DOUBLE PRECISION,
  string_value TEXT,
  PRIMARY KEY (owner_kind, owner_id, name, is_custom)
);
CREATE INDEX mr_property_lookup ON mr_property (owner_kind, name, string_value);
CREATE TABLE mr_event (
  id BIGSERIAL PRIMARY KEY,
  artifact_id BIGINT NOT NULL REFERENCES mr_artifact (id),
  execution_id BIGINT NOT NULL REFERENCES mr_execution (id),
  type TEXT NOT NULL,
  event_key TEXT NOT NULL,
  event_index INTEGER NOT NULL,
  time BIGINT NOT NULL
);
CREATE INDEX mr_event_artifact ON mr_event (artifact_id);
CREATE INDEX mr_event_execution ON mr_event (execution_id);
CREATE TABLE mr_attribution (
  context_id BIGINT NOT NULL REFERENCES mr_context (id),
  artifact_id BIGINT NOT NULL REFERENCES mr_artifact (id),
  PRIMARY KEY (context_id, artifact_id)
);
CREATE INDEX mr_attribution_artifact ON mr_attribution (artifact_id);
CREATE TABLE mr_association (
  context_id BIGINT NOT NULL REFERENCES mr_context (id),
  execution_id BIGINT NOT NULL REFERENCES mr_execution (id),
  PRIMARY KEY (context_id, execution_id)
);
CREATE INDEX mr_association_execution ON mr_association (execution_id);
CREATE UNIQUE INDEX mr_event_unique ON mr_event (artifact_id, execution_id, type, event_key, event_index);
