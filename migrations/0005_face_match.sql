-- Schema 5: the face match (chip photo vs. live photo) and the 替考 check.

-- The cosine score of the live face against the chip photo's (SFace), and the model that gave
-- it; NULL when no chip photo was decoded or no face was found in it.
ALTER TABLE confirmation ADD COLUMN face_match_score REAL;
ALTER TABLE confirmation ADD COLUMN face_match_model TEXT;

-- The embedding of each confirmed live face, so that the same face confirmed again the same day
-- under another id number is seen (替考). Written in the confirmation's transaction.
CREATE TABLE face_embedding (
    confirmation_id TEXT PRIMARY KEY REFERENCES confirmation (confirmation_id),
    id_number       TEXT NOT NULL,
    model           TEXT NOT NULL,
    vector          BLOB NOT NULL,            -- little-endian f32, L2-normalised
    confirmed_at    TEXT NOT NULL
) STRICT;
CREATE INDEX face_embedding_by_day ON face_embedding (confirmed_at);
