/** @type {AppTypes.Config} */
// GridPACS: OHIF's configuration, written over the bundle's own app-config.js by scripts/fetch-viewer.
// The viewer is served by the archive node at the root of the same origin as /dicom-web (no CORS; the COOP/COEP
// headers that give SharedArrayBuffer to the volume viewports apply). No external URL anywhere.
window.config = {
  name: 'gridpacs',
  routerBasename: '/',
  whiteLabeling: {
    // the logo links to our own page (nodes, dose jobs); that page links back to the study list
    createLogoComponentFn: function (React) {
      return React.createElement(
        'a',
        {
          href: '/admin/',
          title: 'GridPACS: nodes and dose jobs',
          className: 'text-primary-active font-bold text-lg',
          style: { textDecoration: 'none' },
        },
        'GridPACS'
      );
    },
  },
  extensions: [],
  modes: [],
  customizationService: {},
  showStudyList: true,
  maxNumberOfWebWorkers: 3,
  showWarningMessageForCrossOrigin: false,
  showCPUFallbackMessage: true,
  showLoadingIndicator: true,
  experimentalStudyBrowserSort: false,
  strictZSpacingForVolumeViewport: true,
  groupEnabledModesFirst: true,
  allowMultiSelectExport: false,
  maxNumRequests: {
    interaction: 100,
    thumbnail: 5,
    prefetch: 25,
  },
  showErrorDetails: 'always',
  defaultDataSourceName: 'gridpacs',
  dataSources: [
    {
      namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
      sourceName: 'gridpacs',
      configuration: {
        friendlyName: 'GridPACS',
        name: 'gridpacs',
        qidoRoot: '/dicom-web',
        wadoRoot: '/dicom-web',
        wadoUriRoot: '/wado',
        imageRendering: 'wadors',
        thumbnailRendering: 'wadors',
        enableStudyLazyLoad: true,
        supportsFuzzyMatching: true,
        supportsWildcard: true,
        omitQuotationForMultipartRequest: true,
        bulkDataURI: {
          enabled: true,
        },
        dicomUploadEnabled: true,
        supportsReject: false,
        staticWado: false,
      },
    },
  ],
  httpErrorHandler: error => {
    console.warn('GridPACS DICOMweb request failed', error && error.status);
  },
};
