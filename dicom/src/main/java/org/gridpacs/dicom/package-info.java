/** DICOM toolkit: data sets and dictionary ({@code data}), Part 10 and data set encoding ({@code io}), upper layer and DIMSE ({@code net}). */
package org.gridpacs.dicom;
