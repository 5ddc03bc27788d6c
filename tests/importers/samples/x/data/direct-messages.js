window.YTD.direct_messages.part0 = [
 {
  "dmConversation": {
   "conversationId": "1111-9999",
   "messages": [
    {
     "messageCreate": {
      "recipientId": "9999",
      "reactions": [],
      "urls": [],
      "text": "Sudah kami terima, terima kasih",
      "mediaUrls": [],
      "senderId": "9999",
      "id": "1800000000000000003",
      "createdAt": "2026-11-02T02:10:00.000Z"
     }
    },
    {
     "messageCreate": {
      "recipientId": "9999",
      "reactions": [],
      "urls": [
       {
        "url": "https://t.co/AbCdEf",
        "expanded": "https://example.invalid/berita/pungli",
        "display": "example.invalid/berita/pungli"
       }
      ],
      "text": "Ada pungli di layanan &amp; kantor kecamatan, beritanya: https://t.co/AbCdEf",
      "mediaUrls": [],
      "senderId": "1111",
      "id": "1800000000000000002",
      "createdAt": "2026-11-02T02:05:00.000Z"
     }
    },
    {
     "messageCreate": {
      "recipientId": "9999",
      "reactions": [],
      "urls": [],
      "text": "https://t.co/MeDiA1",
      "mediaUrls": [
       "https://t.co/MeDiA1"
      ],
      "senderId": "1111",
      "id": "1800000000000000001",
      "createdAt": "2026-11-02T02:00:00.000Z"
     }
    }
   ]
  }
 }
]