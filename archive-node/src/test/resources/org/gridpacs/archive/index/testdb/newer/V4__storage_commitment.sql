-- Storage Commitment Push Model requests (PS3.4 Annex J), kept until the requester has confirmed our
-- N-EVENT-REPORT, so that a node crash between the N-ACTION-RSP and the report loses nothing. In a cluster every
-- live node holds a copy of each pending request (handed over the peer endpoint /peer/commitments) so that a
-- surviving node can answer for one that died; DONE rows are kept a while as tombstones (a node that was down
-- learns from them that another node has answered already).
CREATE TABLE commitment_request (
    transaction_uid VARCHAR(64) PRIMARY KEY,
    requester_ae    VARCHAR(16) NOT NULL,
    called_ae       VARCHAR(16) NOT NULL,
    received_by     VARCHAR(64) NOT NULL,
    received_at     BIGINT NOT NULL,
    state           VARCHAR(8) NOT NULL,
    done_at         BIGINT
);

CREATE TABLE commitment_item (
    transaction_uid  VARCHAR(64) NOT NULL REFERENCES commitment_request (transaction_uid) ON DELETE CASCADE,
    position         INT NOT NULL,
    sop_class_uid    VARCHAR(64) NOT NULL,
    sop_instance_uid VARCHAR(64) NOT NULL,
    PRIMARY KEY (transaction_uid, position)
);
