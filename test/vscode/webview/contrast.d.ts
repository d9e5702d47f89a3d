/** Labelled rectangles on the flame graph's canvas and the smallest WCAG contrast of their labels (runs in the page). */
export function labelContrast(): { labels: number; minContrast: number; fills: number };
