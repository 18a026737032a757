/**
 * De-identification of instances leaving the site (PS3.15 Annex E): {@link org.gridpacs.federation.deid.Deidentifier}
 * applies Table E.1-1 ({@link org.gridpacs.federation.deid.ConfidentialityProfile}) with the options of
 * {@link org.gridpacs.federation.deid.DeidentificationOptions}, UIDs replaced consistently by a keyed
 * {@link org.gridpacs.federation.deid.Pseudonymizer}.
 */
package org.gridpacs.federation.deid;
