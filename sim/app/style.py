"""The dashboard's style sheet: a layout that fits a 1280x720 laptop screen (the main view's cards
wrap instead of overflowing), readable legends, and the charts' SVG text."""

CSS = """
.dash { display: grid; grid-template-columns: 290px minmax(0, 1fr); height: 100vh; width: 100%;
  background: #f5f5f5; }
.dash-side { overflow-y: auto; padding: 8px; border-right: 1px solid #ddd; }
.dash-side .v-card { margin-bottom: 8px; }
.dash-side .v-card__title { font-size: 16px; padding: 8px 12px 4px; }
.dash-title { font-size: 16px; font-weight: 700; margin: 2px 4px 8px; }
.dashboard-main { padding: 8px 12px 24px; overflow-y: auto; overflow-x: hidden; min-width: 0; }
.dashboard-main .card { background: #fff; border-radius: 6px; box-shadow: 0 1px 3px #0002;
  padding: 8px 10px; min-width: 0; overflow: hidden; }
.headline h3 { margin: 2px 0 4px; font-size: 18px; }
.headline p { margin: 0 0 4px; font-size: 13px; }
.headline .scenario-summary { color: #555; font-size: 12px; }
.top-row { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 10px;
  margin: 6px 0 10px; width: 100%; }
.chart-row { margin-bottom: 10px; width: 100%; }
.chart-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 10px;
  width: 100%; }
.baseline-note.wide { margin-bottom: 8px; }
.chart-title { font-weight: 600; font-size: 13px; margin-bottom: 4px; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart text { font: 10px sans-serif; fill: #444; }
svg.chart text.marker { font-weight: 700; fill: #222; }
.legend { font-size: 12px; color: #333; line-height: 1.5; margin-top: 2px; }
.legend.note { color: #666; font-size: 11px; }
.legend .key { display: inline-block; margin-right: 10px; white-space: nowrap; }
.legend .key.markers { white-space: normal; }
.legend .key i { display: inline-block; width: 18px; height: 0; margin-right: 4px;
  vertical-align: middle; }
.legend .key i.box { width: 11px; height: 11px; border-top: none; }
.factor-grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 2px 10px; }
.factor-title { font-size: 12px; font-weight: 600; }
.city-map { position: relative; width: 100%; max-width: 460px; margin: 0 auto; }
.city-map img.city-cells { position: absolute; inset: 0; width: 100%; height: 100%;
  image-rendering: pixelated; }
.city-map svg.sites { position: absolute; inset: 0; width: 100%; height: 100%; }
.site-label { position: absolute; transform: translateX(-50%); font-size: 11px; line-height: 1.2;
  background: #fffd; padding: 0 3px; border-radius: 3px; white-space: nowrap;
  pointer-events: none; }
.log-scroll { max-height: 300px; overflow: auto; }
table.log { border-collapse: collapse; font-size: 12px; width: 100%; }
table.log th { position: sticky; top: 0; background: #f3f3f3; text-align: left; }
table.log td, table.log th { padding: 2px 6px; border-bottom: 1px solid #eee; vertical-align: top; }
.downloads { gap: 8px; margin-bottom: 6px; }
.control-head { display: flex; justify-content: space-between; font-size: 13px; margin-top: 6px; }
.control-value { font-variant-numeric: tabular-nums; }
.control-range { display: flex; justify-content: space-between; font-size: 11px; color: #666;
  margin-top: -18px; gap: 6px; }
.control-range span:nth-child(2) { text-align: center; }
.control-group { font-weight: 600; font-size: 13px; margin-top: 10px; }
.pending { background: #fff3cd; border: 1px solid #e0b000; border-radius: 4px; padding: 4px 6px;
  font-size: 12px; }
.apply-note, .baseline-note, .credits { font-size: 12px; color: #555; }
.day-counter { font-size: 14px; margin: 6px 0; }
"""
