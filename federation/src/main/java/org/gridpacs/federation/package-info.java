/**
 * Federation between hospital sites: each site's gateway speaks plain DICOM over mutual TLS to the others, with
 * nothing central. Sub-packages: {@code site} (the sites and what each may do), {@code deid} (PS3.15 Annex E
 * de-identification), {@code audit} (the DICOM audit trail, PS3.15 A.5).
 */
package org.gridpacs.federation;
