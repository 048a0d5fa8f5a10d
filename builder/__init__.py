"""Builder and authoring logic, free of callbacks (callbacks/builder.py, callbacks/authoring.py and
callbacks/boardtiles.py adapt it to the pages).

Chart builder: sources and their fields (source.py), the form read into a chart (form.py), the chart built for one
actor through the one door (chart.py), a chart's titles and filter sentence in words (words.py), what a user may
build from and save to (sources.py), a saved query's rows as chart series (querychart.py).
Indicator authoring: checking, previewing, saving and reviewing a definition for one actor (authoring.py), and an
indicator's lineage as that actor may see it (lineage.py).
"""
