"""The public statistics website: static, self-contained HTML in Swedish.

`build_site_from_folders(data_dir, out_dir, as_of)` collects the inputs (`pipeline.site.collect`,
through `pipeline.site.upstream`, the package's only importer of the rest of `pipeline`) and
writes `<out_dir>/site/`: the index (a choropleth map with metropolitan insets and a table of all
290 municipalities), the large map, one page per county (with its map) and one per municipality
(opening with the three answers: share, children received, children to expect), every published
edition with the page that lists them, a stylesheet and a small optional script. Nothing is
fetched from the network.
"""

from pipeline.site.collect import collect_inputs
from pipeline.site.inputs import SiteInputs
from pipeline.site.render import build_site, build_site_from_folders

__all__ = ["SiteInputs", "build_site", "build_site_from_folders", "collect_inputs"]
