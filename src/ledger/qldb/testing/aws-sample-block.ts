// A journal block hashed by real Amazon QLDB, as AWS published it in a QLDB stream record:
// aws-samples/amazon-qldb-streams-dmv-sample-lambda-python, tests/unit/fixtures.py (commit
// d4c7d407472069d6f89863b29f689d3586fad8e6): the BLOCK_SUMMARY payload of block
// HbD9IggL584EPHmfwjmVz0/3 of ledger "vehicle-registration" and the REVISION_DETAILS record of its
// one revision. A stream's block summary carries the same fields as an exported block, with
// `revisionSummaries` in place of `revisions` (developer guide, streams.records.html).
//
// Two things were taken from the fixture with one correction each, and the hashes themselves prove
// the corrections right (a wrong guess cannot reproduce a SHA-256):
//  1. The fixture writes the PartiQL statement inside a Python string with doubled escapes ("\\\\n"),
//     which reads as a backslash and an "n"; the statement QLDB hashed has real line breaks.
//  2. The fixture's revision record was edited for the sample (FirstName "Nova"); the statement of the
//     same transaction inserted FirstName 'Testing new 600', and that document hashes to the revision
//     hash QLDB recorded in both entriesHashList and revisionSummaries.

const STATEMENT = [
  'INSERT INTO Person <<',
  '{',
  "    'FirstName' : 'Testing new 600',",
  "    'LastName' : 'Lewis',",
  "    'DOB' : `1963-08-19T`,",
  "    'GovId' : 'LEWISR261LL',",
  "    'GovIdType' : 'Driver License',",
  "    'Address' : '1719 University Street, Seattle, WA, 98109'",
  '}',
  '>>',
].join('\n');

const ADDRESS = '{ strandId: "HbD9IggL584EPHmfwjmVz0", sequenceNo: 3 }';

const HEADER = `
  blockAddress: ${ADDRESS},
  transactionId: "0007KbqoyqAIch6XRbQ4iA",
  blockTimestamp: 2019-12-11T07:20:51.261Z,
  blockHash: {{lu425dAWsmvzxuNHTbn4ID4mLo0bWKkjLP2Uel4wrPQ=}},
  entriesHash: {{RNGQGcOKCGLCo5S+hs1eboanNrocIzRiqzzq1s99G/Q=}},
  previousBlockHash: {{pV28aszpqJH9LOO9oMsACDmXfdzdEW7HYxzuQVIjSDU=}},
  entriesHashList: [
    {{LmcGQjLlfScQQxbzaoglEpXpeN9bp7I/QUk690ncEpk=}},
    {{vJFOcsNRM14gsIBSEnwPhMVgRAWf/4EUW5gPYbtmDv0=}},
    {{KXJrG8t/KePERHasyztlv4kZPol4Q2buhWmy7iJrsiY=}},
    {{Lz3XWBwtWyBA/Lhj+UoLhbajPQ8Mk9N4j0HJlrm2OTg=}}
  ],
  transactionInfo: {
    statements: [
      {
        statement: ${JSON.stringify(STATEMENT)},
        startTime: 2019-12-11T07:20:51.223Z,
        statementDigest: {{t5wbRW+wIi/X0n3iPhFJtbt2qpzzgWkOXIFC4xJHp4o=}}
      }
    ],
    documents: {
      D35qd3e2prnJYmtKW6kok1: { tableName: "Person", tableId: "1SUXCa3wwV0GD7kV78RbSg", statements: [0] }
    }
  }`;

/** The BLOCK_SUMMARY payload (without revisionSummaries). */
export const REAL_BLOCK_SUMMARY = `{${HEADER}\n}`;

const DATA = `{
    FirstName: "Testing new 600",
    LastName: "Lewis",
    DOB: 1963-08-19T,
    GovId: "LEWISR261LL",
    GovIdType: "Driver License",
    Address: "1719 University Street, Seattle, WA, 98109"
  }`;

const METADATA = `{ id: "D35qd3e2prnJYmtKW6kok1", version: 0, txTime: 2019-12-11T07:20:51.245Z, txId: "0007KbqoyqAIch6XRbQ4iA" }`;

/** The revision's data and metadata. */
export const REAL_REVISION = `{ data: ${DATA}, metadata: ${METADATA} }`;

/** The same block in the form a journal export writes it: revisions in full. */
export function realBlockAsExported(): string {
  return `{${HEADER},
  revisions: [
    { blockAddress: ${ADDRESS}, hash: {{vJFOcsNRM14gsIBSEnwPhMVgRAWf/4EUW5gPYbtmDv0=}}, data: ${DATA}, metadata: ${METADATA} }
  ]
}`;
}
