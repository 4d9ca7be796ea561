"""Opens covgap's outputs in QGIS (PyQGIS, headless) and prints each layer's feature count,
renderer and rules, as QGIS loads them: the GeoPackage layers with their default style from
layer_styles, and the GeoJSON layers with the .qml beside them.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/check_qgis_styles.py OUT_DIR [RENDER.png]
Needs QGIS's Python bindings (Debian: apt-get install python3-qgis). Exits 1 on a problem.
"""
import os
import sys

from qgis.core import (QgsApplication, QgsExpression, QgsFeatureRequest, QgsMapRendererParallelJob,
                       QgsMapSettings, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

out = sys.argv[1]
app = QgsApplication([], False)
app.initQgis()
problems = 0


def show(layer, source):
    global problems
    if not layer.isValid():
        print(f"{source}: NOT VALID")
        problems += 1
        return
    r = layer.renderer()
    rules = [c.label() for c in r.rootRule().children()] if r.type() == "RuleRenderer" else []
    labels = layer.labelsEnabled()
    print(f"{source}: {layer.featureCount()} features, crs {layer.crs().authid()}, "
          f"renderer {r.type()}, labels {'on' if labels else 'off'}")
    for rule in (r.rootRule().children() if rules else []):
        n = sum(1 for _ in layer.getFeatures(QgsFeatureRequest(QgsExpression(rule.filterExpression()))))
        print(f"    rule: {rule.label()!r}: {n} features")
    if r.type() != "RuleRenderer":
        problems += 1


gpkg = os.path.join(out, "covgap.gpkg")
shown = []
for name in ["areas", "teams", "gaps"]:
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    show(layer, f"covgap.gpkg|{name}")
    styles = layer.listStylesInDatabase()
    print(f"    styles in database: {styles[2]} (default first: {styles[0]})")
    shown.append(layer)
for name in ["areas", "teams"]:
    path = os.path.join(out, f"{name}.geojson")
    layer = QgsVectorLayer(path, name, "ogr")
    msg, ok = layer.loadDefaultStyle()
    print(f"{name}.geojson + {name}.qml: loadDefaultStyle ok={ok} ({msg})")
    show(layer, f"{name}.geojson")
if len(sys.argv) > 2:
    # Render the GeoPackage's areas and teams with their default styles, as QGIS draws them.
    settings = QgsMapSettings()
    settings.setLayers([shown[1], shown[0]])
    settings.setDestinationCrs(shown[0].crs())
    settings.setExtent(shown[0].extent())
    settings.setOutputSize(QSize(800, 1200))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(sys.argv[2], "png")
    print(f"rendered {sys.argv[2]}")
app.exitQgis()
sys.exit(1 if problems else 0)
