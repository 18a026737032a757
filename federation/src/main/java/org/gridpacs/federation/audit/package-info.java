/**
 * The federation's audit trail (issue 15, item 5): DICOM audit messages (PS3.15 A.5, the RFC 3881 schema) for every
 * cross-site query, transfer, export, de-identification and refused association; aggregated per association
 * ({@link org.gridpacs.federation.audit.TransferAccumulator}); recorded durably in a local log
 * ({@link org.gridpacs.federation.audit.AuditLog}) and optionally sent to a syslog collector over TLS
 * ((SyslogTlsSender)). Other code calls
 * {@link org.gridpacs.federation.audit.AuditTrail#record}. The log holds patient identifiers: it is protected data.
 */
package org.gridpacs.federation.audit;
