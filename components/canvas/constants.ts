/** The drag payload type the canvas accepts from the palette; the value is the processor type. */
export const PROCESSOR_DRAG_TYPE = 'application/conflux-processor';

/** The canvas wrapper's test id; the palette also uses it to find the middle of the view. */
export const CANVAS_TEST_ID = 'canvas';
