window.YTD.direct_messages_group.part0 = [
 {
  "dmConversation": {
   "conversationId": "g-5555",
   "messages": [
    {
     "joinConversation": {
      "initiatingUserId": "2222",
      "participantsSnapshot": [
       "2222",
       "3333",
       "9999"
      ],
      "createdAt": "2026-11-02T01:00:00.000Z"
     }
    },
    {
     "messageCreate": {
      "reactions": [],
      "urls": [],
      "text": "Ada kekerasan di sekolah anak saya, tolong 🙏",
      "mediaUrls": [],
      "senderId": "2222",
      "id": "1800000000000000010",
      "createdAt": "2026-11-02T01:05:00.000Z"
     }
    }
   ]
  }
 }
]